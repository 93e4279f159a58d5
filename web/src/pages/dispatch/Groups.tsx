import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Form, Input, Modal, Row, Select, Space, Tag, TreeSelect, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { dispatchApi, dispatchKeys, useDispatchGroups, type DispatchGroup } from '../../api/dispatch';
import { can, useCurrentUser } from '../../auth';
import { notifySuccess, showError } from '../../lib/notify';
import { useRegionTreeData } from './Tasks';
import { useDispatchText } from './text';

/** The region `code` lies in the subtree of `root` (codes: 2 province, 4 city, 6 county, 9 township, 12 village digits). */
function covers(root: string, code: string): boolean {
  const n = [2, 4, 6, 9, 12].find((k) => /^0*$/.test(root.slice(k))) ?? 12;
  return code.startsWith(root.slice(0, n));
}

interface GroupForm { name: string; lead: string; regionCode: string; members: string[] }

/** 专责工作组: each group with its lead, member units and its open and overdue tasks. */
export function Groups() {
  const { d } = useDispatchText();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const groups = useDispatchGroups();
  const [editing, setEditing] = useState<DispatchGroup | 'new' | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const writable = can(me, 'dispatch.write');

  const open = (g: DispatchGroup | 'new') => {
    setStale(false);
    setEditing(g);
  };
  const initial: Partial<GroupForm> = editing === null ? {} : editing === 'new' ? { regionCode: me.regionCode, members: [] }
    : { name: editing.name, lead: editing.lead, regionCode: editing.regionCode, members: editing.members };
  const submit = async (v: GroupForm) => {
    setBusy(true);
    try {
      if (editing === 'new') await dispatchApi.createGroup({ name: v.name, lead: v.lead, regionCode: v.regionCode, members: v.members ?? [] });
      else if (editing) await dispatchApi.updateGroup(editing.id, { version: editing.version, lead: v.lead, members: v.members ?? [] });
      notifySuccess(d('saved'));
      setEditing(null);
      await qc.invalidateQueries({ queryKey: dispatchKeys.all });
    } catch (e) {
      if (e instanceof ApiError && e.isStale) setStale(true);
      else showError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      {writable && <div><Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="group-new">{d('newGroup')}</Button></div>}
      {groups.data?.length === 0 && <Empty description={d('noGroups')} />}
      <Row gutter={[12, 12]}>
        {(groups.data ?? []).map((g) => (
          <Col key={g.id} xs={24} md={12} xl={8}>
            <Card size="small" title={g.name} data-testid="group-card"
              extra={writable && covers(me.regionCode, g.regionCode) ? <Button size="small" onClick={() => open(g)}>{d('editGroup')}</Button> : null}>
              <Typography.Paragraph style={{ marginBottom: 4 }}>{d('lead')}：{g.lead}</Typography.Paragraph>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>{d('region')}：{g.regionName ?? g.regionCode}</Typography.Paragraph>
              <div style={{ marginBottom: 8 }}>
                {d('members')}：{g.members.length ? g.members.map((m) => <Tag key={m} style={{ marginBottom: 4 }}>{m}</Tag>) : '—'}
              </div>
              <Space wrap>
                <Tag color="blue" style={{ cursor: 'pointer' }} onClick={() => navigate(`/dispatch?tab=tasks&group=${g.id}`)}>{d('openTasks', { n: g.openTasks })}</Tag>
                <Tag color={g.overdueTasks ? 'red' : 'default'} style={{ cursor: 'pointer' }} onClick={() => navigate(`/dispatch?tab=tasks&group=${g.id}&status=overdue`)}>
                  {d('overdueTasks', { n: g.overdueTasks })}
                </Tag>
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      <Modal open={editing !== null} title={editing === 'new' ? d('newGroup') : d('editGroup')} onCancel={() => setEditing(null)}
        okText={d('save')} cancelText={d('cancel')} confirmLoading={busy} destroyOnHidden
        okButtonProps={{ htmlType: 'submit', form: GROUP_FORM_ID, disabled: stale }}>
        {stale && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={d('staleTitle')} description={d('staleBody')}
          action={<Button size="small" onClick={() => { setEditing(null); void qc.invalidateQueries({ queryKey: dispatchKeys.groups }); }}>{d('reload')}</Button>} />}
        {editing !== null && <GroupFormBody key={editing === 'new' ? 'new' : `${editing.id}-${editing.version}`} isNew={editing === 'new'} initial={initial} onSubmit={(v) => void submit(v)} />}
      </Modal>
    </Space>
  );
}

const GROUP_FORM_ID = 'dispatch-group-form';

function GroupFormBody({ isNew, initial, onSubmit }: { isNew: boolean; initial: Partial<GroupForm>; onSubmit: (v: GroupForm) => void }) {
  const { d } = useDispatchText();
  const [form] = Form.useForm<GroupForm>();
  const tree = useRegionTreeData();
  return (
    <Form form={form} name={GROUP_FORM_ID} initialValues={initial} layout="vertical" onFinish={onSubmit} data-testid="group-form">
      <Form.Item name="name" label={d('groupName')} rules={[{ required: true, whitespace: true }]}>
        <Input maxLength={200} disabled={!isNew} />
      </Form.Item>
      <Form.Item name="lead" label={d('lead')} rules={[{ required: true, whitespace: true }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="regionCode" label={d('region')} rules={[{ required: true }]}>
        <TreeSelect showSearch treeNodeFilterProp="title" treeData={tree} disabled={!isNew} styles={{ popup: { root: { maxHeight: 360, overflow: 'auto' } } }} />
      </Form.Item>
      <Form.Item name="members" label={d('members')} extra={d('membersHint')}>
        <Select mode="tags" tokenSeparators={[',', '，', '、']} open={false} suffixIcon={null} />
      </Form.Item>
    </Form>
  );
}

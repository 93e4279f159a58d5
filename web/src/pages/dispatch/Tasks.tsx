import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Modal, Progress, Row, Select, Space, Table, Tag, Timeline, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { dispatchApi, dispatchKeys, useDispatchGroups, useDispatchTask, useDispatchTasks, type DispatchTask, type TaskStatus } from '../../api/dispatch';
import { useRegions } from '../../api/queries';
import { can, useCurrentUser } from '../../auth';
import { fmtTime } from '../../lib/format';
import { notifySuccess, showError } from '../../lib/notify';
import { buildRegionTree } from '../../lib/regions';
import { useDispatchText } from './text';

interface TreeNode { value: string; title: string; children?: TreeNode[] }

/** The user's scope as TreeSelect data. */
export function useRegionTreeData(): TreeNode[] {
  const regions = useRegions();
  return useMemo(() => {
    const toTree = (nodes: ReturnType<typeof buildRegionTree>): TreeNode[] =>
      nodes.map((n) => ({ value: n.key, title: n.title, children: n.children ? toTree(n.children) : undefined }));
    return toTree(buildRegionTree(regions.data ?? []));
  }, [regions.data]);
}

type Editing = { kind: 'new' } | { kind: 'edit'; task: DispatchTask } | { kind: 'progress'; task: DispatchTask } | { kind: 'done'; task: DispatchTask };

interface TaskForm { groupId?: string | null; regionCode: string; title: string; owner: string; deadline: string; percent: number; note: string }

/** 任务清单: filter by region, status and group; overdue rows in red with the days; create, edit, progress, done. */
export function Tasks() {
  const { d } = useDispatchText();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const region = params.get('region') ?? undefined;
  const status = (params.get('status') ?? undefined) as TaskStatus | undefined;
  const groupId = params.get('group') ?? undefined;
  const set = (k: string, v: string | undefined) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const tasks = useDispatchTasks({ region, status, groupId });
  const groups = useDispatchGroups();
  const tree = useRegionTreeData();
  const writable = can(me, 'dispatch.write');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [staleErr, setStaleErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rows = tasks.data ?? [];
  const overdue = rows.filter((r) => r.overdue).length;

  const open = (e: Editing) => {
    setStaleErr(null);
    setEditing(e);
  };
  // The form mounts with the modal (destroyOnHidden) and starts from these values; a reload remounts it.
  const initial: Partial<TaskForm> = editing === null ? {}
    : editing.kind === 'new' ? { regionCode: region ?? me.regionCode, groupId: groupId ?? null }
      : editing.kind === 'edit' ? { title: editing.task.title, owner: editing.task.owner, deadline: editing.task.deadline, groupId: editing.task.groupId }
        : editing.kind === 'progress' ? { percent: editing.task.progress, note: '' } : {};
  const formKey = editing === null || editing.kind === 'new' ? 'new' : `${editing.kind}-${editing.task.id}-${editing.task.version}`;
  const refresh = () => qc.invalidateQueries({ queryKey: dispatchKeys.all });
  const reload = async () => {
    await refresh();
    if (editing && editing.kind !== 'new') {
      const fresh = await qc.fetchQuery({ queryKey: dispatchKeys.task(editing.task.id), queryFn: () => dispatchApi.get(editing.task.id), staleTime: 0 });
      open({ ...editing, task: fresh });
    }
  };

  const submit = async (v: TaskForm): Promise<{ field: string; message: string } | null> => {
    if (!editing) return null;
    setBusy(true);
    try {
      if (editing.kind === 'new') await dispatchApi.createTask({ groupId: v.groupId ?? null, regionCode: v.regionCode, title: v.title, owner: v.owner, deadline: v.deadline });
      if (editing.kind === 'edit') await dispatchApi.updateTask(editing.task.id, { version: editing.task.version, title: v.title, owner: v.owner, deadline: v.deadline, groupId: v.groupId ?? null });
      if (editing.kind === 'progress') await dispatchApi.progress(editing.task.id, { version: editing.task.version, percent: v.percent, note: v.note });
      if (editing.kind === 'done') await dispatchApi.done(editing.task.id, { version: editing.task.version, note: v.note || undefined });
      notifySuccess(d('saved'));
      setEditing(null);
      await refresh();
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.isStale) {
        setStaleErr(e.message);
        return null;
      }
      showError(e);
      // A field the server refused (its details name it) is marked on the form too.
      const field = e instanceof ApiError ? (e.details as { field?: string } | null)?.field : undefined;
      return field ? { field, message: (e as ApiError).message } : null;
    } finally {
      setBusy(false);
    }
  };

  const columns: ColumnsType<DispatchTask> = [
    {
      title: d('task'), key: 'title',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{r.title}</Typography.Text>
          {r.groupName && <Tag>{r.groupName}</Tag>}
          {r.progressNote && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.progressNote}</Typography.Text>}
        </Space>
      ),
    },
    { title: d('region'), key: 'region', width: 130, render: (_, r) => r.regionName ?? r.regionCode },
    { title: d('owner'), dataIndex: 'owner', key: 'owner', width: 120 },
    {
      title: d('deadline'), dataIndex: 'deadline', key: 'deadline', width: 110,
      render: (v: string, r) => <span className={r.overdue ? 'overdue-text' : undefined}>{v}</span>,
    },
    {
      title: d('status'), key: 'status', width: 120,
      render: (_, r) => (r.status === 'done' ? <Tag color="green">{d('doneOn', { d: r.doneOn ?? '' })}</Tag>
        : r.overdue ? <Tag color="red" data-testid="overdue-tag">{d('overdueDays', { n: r.overdueDays })}</Tag>
          : <Tag color="blue">{d('open')}</Tag>),
    },
    { title: d('progress'), key: 'progress', width: 120, render: (_, r) => <Progress percent={r.progress} format={(p) => `${p ?? 0}%`} size="small" status={r.overdue ? 'exception' : r.status === 'done' ? 'success' : 'active'} /> },
    ...(writable ? [{
      title: d('actions'), key: 'act', width: 210,
      render: (_: unknown, r: DispatchTask) => (r.status === 'done' ? null : (
        <Space size={4} wrap>
          <Button size="small" onClick={() => open({ kind: 'edit', task: r })} data-testid="task-edit">{d('edit')}</Button>
          <Button size="small" onClick={() => open({ kind: 'progress', task: r })} data-testid="task-progress">{d('recordProgress')}</Button>
          <Button size="small" type="primary" ghost onClick={() => open({ kind: 'done', task: r })} data-testid="task-done">{d('complete')}</Button>
        </Space>
      )),
    }] : []),
  ];

  const modalTitle = editing === null ? '' : { new: d('newTask'), edit: d('editTask'), progress: d('recordProgress'), done: d('completeTask') }[editing.kind];

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Card size="small">
        <Row gutter={[12, 8]}>
          <Col xs={24} sm={12} lg={7}>
            <TreeSelect allowClear showSearch treeNodeFilterProp="title" value={region} placeholder={d('allScope')} style={{ width: '100%' }}
              treeData={tree} onChange={(v?: string) => set('region', v)} data-testid="task-filter-region" aria-label={d('region')}
              styles={{ popup: { root: { maxHeight: 400, overflow: 'auto' } } }} />
          </Col>
          <Col xs={12} sm={6} lg={4}>
            <Select value={status ?? ''} style={{ width: '100%' }} onChange={(v: string) => set('status', v || undefined)} data-testid="task-filter-status" aria-label={d('status')}
              options={[{ value: '', label: d('all') }, { value: 'open', label: d('open') }, { value: 'overdue', label: d('overdue') }, { value: 'done', label: d('done') }]} />
          </Col>
          <Col xs={12} sm={6} lg={5}>
            <Select allowClear value={groupId} placeholder={d('group')} style={{ width: '100%' }} onChange={(v?: string) => set('group', v)} aria-label={d('group')}
              options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))} />
          </Col>
          <Col xs={24} lg={8}>
            <Space wrap>
              <Tag>{d('total', { n: rows.length })}</Tag>
              <Tag color={overdue ? 'red' : 'default'} data-testid="overdue-count">{d('overdueCount', { n: overdue })}</Tag>
              <Button icon={<ReloadOutlined />} onClick={() => void refresh()} aria-label={d('reload')} />
              {writable && <Button type="primary" icon={<PlusOutlined />} onClick={() => open({ kind: 'new' })} data-testid="task-new">{d('newTask')}</Button>}
            </Space>
          </Col>
        </Row>
      </Card>
      <Table<DispatchTask>
        size="small"
        rowKey="id"
        loading={tasks.isFetching}
        dataSource={rows}
        columns={columns}
        scroll={{ x: 960 }}
        pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
        rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
        data-testid="task-table"
      />
      <Modal open={editing !== null} title={modalTitle} onCancel={() => setEditing(null)} okText={d('save')} cancelText={d('cancel')} confirmLoading={busy} destroyOnHidden
        okButtonProps={{ htmlType: 'submit', form: FORM_ID, disabled: staleErr !== null, ...({ 'data-testid': 'task-save' } as Record<string, string>) }}>
        {staleErr && (
          <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="stale-alert" title={d('staleTitle')}
            description={<>{d('staleBody')}<br /><Typography.Text type="secondary">{staleErr}</Typography.Text></>}
            action={<Button size="small" onClick={() => void reload()}>{d('reload')}</Button>} />
        )}
        {editing && editing.kind !== 'new' && <Typography.Paragraph strong>{editing.task.title}</Typography.Paragraph>}
        {editing && <TaskFormBody key={formKey} editing={editing} initial={initial} onSubmit={submit} />}
      </Modal>
    </Space>
  );
}

const FORM_ID = 'dispatch-task-form';

/** The modal's form, mounted per task and version so it always starts from the record shown (a reload remounts it). */
function TaskFormBody({ editing, initial, onSubmit }: { editing: Editing; initial: Partial<TaskForm>; onSubmit: (v: TaskForm) => Promise<{ field: string; message: string } | null> }) {
  const { d } = useDispatchText();
  const [form] = Form.useForm<TaskForm>();
  const groups = useDispatchGroups();
  const tree = useRegionTreeData();
  const regionField = editing.kind === 'new';
  const taskFields = editing.kind === 'new' || editing.kind === 'edit';
  return (
    <Form form={form} name={FORM_ID} initialValues={initial} layout="vertical" data-testid="task-form"
      onFinish={(v) => void onSubmit(v).then((err) => { if (err && err.field in form.getFieldsValue(true)) form.setFields([{ name: err.field as keyof TaskForm, errors: [err.message] }]); })}>
      {regionField && (
        <Form.Item name="regionCode" label={d('region')} rules={[{ required: true, message: d('regionRequired') }]}>
          <TreeSelect showSearch treeNodeFilterProp="title" treeData={tree} styles={{ popup: { root: { maxHeight: 360, overflow: 'auto' } } }} />
        </Form.Item>
      )}
      {taskFields && (
        <>
          <Form.Item name="title" label={d('task')} rules={[{ required: true, whitespace: true, message: d('titleRequired') }]}>
            <Input.TextArea rows={2} maxLength={1000} data-testid="task-title" />
          </Form.Item>
          <Form.Item name="owner" label={d('owner')} rules={[{ required: true, whitespace: true, message: d('ownerRequired') }]}>
            <Input maxLength={200} data-testid="task-owner" />
          </Form.Item>
          <Form.Item name="deadline" label={d('deadline')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: d('deadlineRequired') }]}>
            <Input type="date" data-testid="task-deadline" />
          </Form.Item>
          <Form.Item name="groupId" label={d('group')}>
            <Select allowClear placeholder={d('noGroup')} options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))} />
          </Form.Item>
        </>
      )}
      {editing.kind === 'progress' && (
        <>
          <Form.Item name="percent" label={d('percent')} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} precision={0} style={{ width: 120 }} data-testid="task-percent" />
          </Form.Item>
          <Form.Item name="note" label={d('progressNote')} rules={[{ required: true, min: 2, whitespace: true, message: d('noteRequired') }]}>
            <Input.TextArea rows={3} maxLength={2000} data-testid="task-note" />
          </Form.Item>
          <TaskHistory id={editing.task.id} />
        </>
      )}
      {editing.kind === 'done' && (
        <Form.Item name="note" label={d('doneNote')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      )}
    </Form>
  );
}

function TaskHistory({ id }: { id: string }) {
  const { d } = useDispatchText();
  const q = useDispatchTask(id);
  const items = q.data?.history ?? [];
  return (
    <Card size="small" title={d('history')}>
      {items.length === 0 ? <Typography.Text type="secondary">{d('noHistory')}</Typography.Text> : (
        <Timeline items={items.map((h) => ({ children: <span>{fmtTime(h.recordedAt)} · {h.percent}% · {h.note} <Typography.Text type="secondary">（{h.recordedBy}）</Typography.Text></span> }))} />
      )}
    </Card>
  );
}

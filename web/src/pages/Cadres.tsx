import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Card, Descriptions, Empty, Form, Input, Modal, Result, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useCadre, useCadres, type CadreView, type PairingView, type TeamMemberView } from '../api/assistance';
import { ApiError, api } from '../api/client';
import { useRegions } from '../api/queries';
import { can, useCurrentUser } from '../auth';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';
import { notifySuccess, showError } from '../lib/notify';

type Values = Record<string, unknown>;

/** 帮扶干部: the cadres of the caller's scope, how many households each helps; register a cadre. */
export function CadresPage() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();
  const list = useCadres({ q: q || undefined, page, pageSize: 20 });
  const regions = useRegions(open);
  // Regions of the caller's subtree (the code's significant prefix: 6, 9 or 12 digits).
  const prefix = me.regionCode.slice(0, me.regionCode.endsWith('000000') ? (me.regionCode.endsWith('00000000') ? 4 : 6) : me.regionCode.endsWith('000') ? 9 : 12);
  const regionOptions = useMemo(() => (regions.data ?? []).filter((r) => r.code.startsWith(prefix)).map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` })), [regions.data, prefix]);

  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const c = await api.post<CadreView>('/api/cadres', { name: v.name, unit: v.unit, title: v.title || null, phone: v.phone || null, regionCode: v.regionCode });
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['cadres'] });
      notifySuccess(t('saved'));
      navigate(`/cadres/${c.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.length) form.setFields(e.fieldErrors.map((f) => ({ name: f.field, errors: [f.message] })));
      showError(e, t('saveFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('cadresTitle')}</Typography.Title>
      <Card size="small" extra={can(me, 'cadres.write') && <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => { form.resetFields(); form.setFieldsValue({ regionCode: me.regionCode }); setOpen(true); }} data-testid="add-cadre">{t('addCadre')}</Button>}
        title={<Input.Search allowClear placeholder={t('searchCadre')} style={{ maxWidth: 260 }} onSearch={(v) => { setQ(v); setPage(1); }} />}>
        <Table<CadreView> rowKey="id" size="small" loading={list.isFetching} dataSource={list.data?.items} scroll={{ x: 700 }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total, onChange: setPage, showTotal: (n) => t('totalN', { n }) }}
          onRow={(c) => ({ onClick: () => navigate(`/cadres/${c.id}`), className: 'clickable-row' })}
          columns={[
            { title: t('name'), key: 'n', render: (_, c) => <Link to={`/cadres/${c.id}`}>{c.name}</Link> },
            { title: t('unit'), dataIndex: 'unit', key: 'u' },
            { title: t('cadreTitle'), dataIndex: 'title', key: 't', render: (v) => v ?? '—' },
            { title: t('region'), dataIndex: 'regionName', key: 'r' },
            { title: t('phone'), dataIndex: 'phone', key: 'p', render: (v) => <span className="num">{v ?? '—'}</span> },
            { title: t('pairedHouseholds'), dataIndex: 'activePairings', key: 'a', align: 'right', width: 100 },
          ]} />
      </Card>
      <Modal open={open} title={t('addCadre')} onCancel={() => setOpen(false)} onOk={() => void create()} okText={t('save')} cancelText={t('cancel')} confirmLoading={busy} forceRender>
        <Form form={form} layout="vertical" name="cadre">
          <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: t('required') }]}><Input maxLength={40} /></Form.Item>
          <Form.Item name="unit" label={t('unit')} rules={[{ required: true, whitespace: true, message: t('required') }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="title" label={t('cadreTitle')}><Input maxLength={60} /></Form.Item>
          <Form.Item name="phone" label={t('phone')}><Input maxLength={20} /></Form.Item>
          <Form.Item name="regionCode" label={t('region')} rules={[{ required: true, message: t('required') }]}><Select showSearch optionFilterProp="label" options={regionOptions} /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

/** One cadre: the households paired with them and the village teams they serve in. */
export function CadreDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const c = useCadre(id);
  if (c.isPending) return <PageLoading />;
  if (c.error) return <Result status={c.error instanceof ApiError && c.error.status === 404 ? '404' : 'error'} title={c.error.message} />;
  const d = c.data;
  return (
    <div>
      <Typography.Title level={4} className="page-title" data-testid="cadre-title">{d.name} · {d.unit}</Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label={t('cadreTitle')}>{d.title ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('region')}>{d.regionName}</Descriptions.Item>
          <Descriptions.Item label={t('phone')}><span className="num">{d.phone ?? '—'}</span></Descriptions.Item>
          <Descriptions.Item label={t('pairedHouseholds')}>{d.activePairings}</Descriptions.Item>
          <Descriptions.Item label={t('itemStatus')}>{d.active ? <Tag color="green">{t('inService')}</Tag> : <Tag>{t('ended')}</Tag>}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('pairedHouseholds')} style={{ marginBottom: 12 }}>
        {d.pairings.length === 0 ? <Empty /> : (
          <Table<PairingView> rowKey="id" size="small" pagination={false} dataSource={d.pairings} scroll={{ x: 600 }} data-testid="cadre-pairings"
            columns={[
              { title: t('householdNumber'), key: 'h', render: (_, x) => <Link to={`/households/${x.householdId}/assistance?tab=pairing`}>{x.householdNumber}</Link> },
              { title: t('headName'), dataIndex: 'headName', key: 'n' },
              { title: t('fromDate'), dataIndex: 'fromDate', key: 'f' },
              { title: t('toDate'), dataIndex: 'toDate', key: 't', render: (v) => v ?? '—' },
              { title: t('itemStatus'), key: 's', render: (_, x) => (x.active ? <Tag color="green">{t('activePairing')}</Tag> : <Tag>{t('ended')}</Tag>) },
            ]} />
        )}
      </Card>
      <Card size="small" title={t('villageTeam')}>
        {d.teams.length === 0 ? <Empty /> : (
          <Table<TeamMemberView> rowKey="id" size="small" pagination={false} dataSource={d.teams}
            columns={[
              { title: t('village'), key: 'v', render: (_, x) => <Link to={`/teams?village=${x.villageCode}`}>{x.villageCode}</Link> },
              { title: t('teamRole'), dataIndex: 'role', key: 'r' },
              { title: t('fromDate'), dataIndex: 'fromDate', key: 'f' },
              { title: t('toDate'), dataIndex: 'toDate', key: 't', render: (v) => v ?? '—' },
            ]} />
        )}
      </Card>
      <Space style={{ marginTop: 12 }}><Link to="/cadres">{t('backToCadres')}</Link></Space>
    </div>
  );
}

export default CadresPage;

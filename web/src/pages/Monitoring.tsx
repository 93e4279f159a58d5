import { ReloadOutlined, ScanOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router';
import { monitoringApi, type Inspection, type Warning } from '../api/monitoring';
import { can, useCurrentUser } from '../auth';
import { useI18n } from '../i18n';
import { todayCn } from '../lib/dates';
import { notifySuccess, showError } from '../lib/notify';
import Clues from './monitoring/Clues';

const STATUS_COLOR: Record<string, string> = { open: 'red', handled: 'green', dismissed: 'default' };

function Warnings() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [q, setQ] = useState<{ status?: string; rule?: string; overdue?: boolean; page: number; pageSize: number }>({ status: 'open', page: 1, pageSize: 20 });
  const rules = useQuery({ queryKey: ['monitoring', 'rules'], queryFn: monitoringApi.rules, staleTime: 600_000 });
  const list = useQuery({ queryKey: ['monitoring', 'warnings', q], queryFn: () => monitoringApi.warnings(q) });
  const [resolving, setResolving] = useState<Warning | null>(null);
  const [form] = Form.useForm<{ decision: 'handled' | 'dismissed'; resolution: string }>();
  const scan = useMutation({
    mutationFn: monitoringApi.scan,
    onSuccess: (s) => {
      notifySuccess(t('monScanDone', { n: s.newWarnings, seen: s.seenWarnings, overdue: s.overdue }));
      void qc.invalidateQueries({ queryKey: ['monitoring'] });
    },
    onError: (e) => showError(e, t('monScanFailed')),
  });
  const resolve = useMutation({
    mutationFn: (v: { decision: 'handled' | 'dismissed'; resolution: string }) => monitoringApi.resolve(resolving!.id, { ...v, version: resolving!.version }),
    onSuccess: () => {
      setResolving(null);
      form.resetFields();
      notifySuccess(t('saved'));
      void qc.invalidateQueries({ queryKey: ['monitoring', 'warnings'] });
    },
    onError: (e) => showError(e, t('saveFailed')),
  });
  const columns: ColumnsType<Warning> = [
    { title: t('householdNumber'), dataIndex: 'householdNumber', render: (v: string, r) => <Link to={`/households/${r.householdId}`}>{v}</Link> },
    { title: t('village'), dataIndex: 'villageName', render: (v: string | null, r) => v ?? r.villageCode },
    { title: t('monRule'), dataIndex: 'ruleTitle' },
    { title: t('monExplanation'), dataIndex: 'explanation', render: (v: string) => <Typography.Text>{v}</Typography.Text> },
    { title: t('monFirstSeen'), dataIndex: 'firstSeen', width: 110 },
    {
      title: t('monDeadline'), dataIndex: 'deadline', width: 130,
      render: (v: string, r) => (r.overdue ? <Tag color="red" data-testid="overdue">{v} {t('monOverdue')}</Tag> : v),
    },
    { title: t('monStatus'), dataIndex: 'status', width: 90, render: (v: string) => <Tag color={STATUS_COLOR[v]}>{t(v === 'open' ? 'monOpen' : v === 'handled' ? 'monHandled' : 'monDismissed')}</Tag> },
    {
      title: '', key: 'act', width: 90,
      render: (_: unknown, r) => (r.status === 'open' && can(me, 'monitoring.write') ? <Button size="small" onClick={() => setResolving(r)}>{t('monResolve')}</Button> : r.resolution),
    },
  ];
  return (
    <Card
      title={t('monWarnings')}
      extra={
        <Space wrap>
          <Select allowClear placeholder={t('monRule')} style={{ width: 220 }} value={q.rule} onChange={(rule) => setQ({ ...q, rule, page: 1 })}
            options={(rules.data?.rules ?? []).map((r) => ({ value: r.code, label: r.title }))} />
          <Select style={{ width: 110 }} value={q.status ?? ''} onChange={(status) => setQ({ ...q, status: status || undefined, page: 1 })}
            options={[{ value: 'open', label: t('monOpen') }, { value: 'handled', label: t('monHandled') }, { value: 'dismissed', label: t('monDismissed') }, { value: '', label: t('monAll') }]} />
          <Space><Switch checked={!!q.overdue} onChange={(overdue) => setQ({ ...q, overdue, page: 1 })} />{t('monOverdueOnly')}</Space>
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} />
          {can(me, 'monitoring.scan') && <Button type="primary" icon={<ScanOutlined />} loading={scan.isPending} onClick={() => scan.mutate()}>{t('monScan')}</Button>}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('monDeadlineNote', { n: list.data?.deadlineDays ?? 15 })}</Typography.Paragraph>
      <Table rowKey="id" size="small" loading={list.isFetching} columns={columns} dataSource={list.data?.items ?? []}
        pagination={{ current: q.page, pageSize: q.pageSize, total: list.data?.total ?? 0, onChange: (page, pageSize) => setQ({ ...q, page, pageSize }), showTotal: (n) => t('monTotal', { n }) }} />
      <Modal open={!!resolving} title={t('monResolve')} onCancel={() => setResolving(null)} onOk={() => form.submit()} confirmLoading={resolve.isPending} destroyOnHidden>
        <Typography.Paragraph>{resolving?.explanation}</Typography.Paragraph>
        <Form form={form} layout="vertical" initialValues={{ decision: 'handled' }} onFinish={(v) => resolve.mutate(v)}>
          <Form.Item name="decision" label={t('monDecision')}>
            <Radio.Group options={[{ value: 'handled', label: t('monHandled') }, { value: 'dismissed', label: t('monDismissed') }]} />
          </Form.Item>
          <Form.Item name="resolution" label={t('monResolution')} rules={[{ required: true, min: 2, message: t('monResolutionRequired') }]}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function Inspections() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [cycle, setCycle] = useState<string>(() => { const d = new Date(); return `${d.getFullYear()}Q${Math.floor(d.getMonth() / 3) + 1}`; });
  const [page, setPage] = useState(1);
  const list = useQuery({ queryKey: ['monitoring', 'inspections', cycle, page], queryFn: () => monitoringApi.inspections({ cycle: cycle || undefined, page, pageSize: 20 }) });
  const rules = useQuery({ queryKey: ['monitoring', 'rules'], queryFn: monitoringApi.rules, staleTime: 600_000 });
  const [ratio, setRatio] = useState<number>(10);
  const [recording, setRecording] = useState<Inspection | null>(null);
  const [form] = Form.useForm<{ visitedOn: string; findings: string; riskFound: boolean; riskKind?: string }>();
  const sample = useMutation({
    mutationFn: () => monitoringApi.sample({ cycle, ratio: ratio / 100 }),
    onSuccess: (r) => { notifySuccess(t('monSampled', { n: r.sampled, of: r.exited })); void qc.invalidateQueries({ queryKey: ['monitoring', 'inspections'] }); },
    onError: (e) => showError(e, t('saveFailed')),
  });
  const record = useMutation({
    mutationFn: (v: { visitedOn: string; findings: string; riskFound: boolean; riskKind?: string }) => monitoringApi.record(recording!.id, { ...v, version: recording!.version }),
    onSuccess: () => { setRecording(null); form.resetFields(); notifySuccess(t('saved')); void qc.invalidateQueries({ queryKey: ['monitoring'] }); },
    onError: (e) => showError(e, t('saveFailed')),
  });
  const riskFound = Form.useWatch('riskFound', form);
  const columns: ColumnsType<Inspection> = [
    { title: t('monCycle'), dataIndex: 'cycle', width: 90 },
    { title: t('householdNumber'), dataIndex: 'householdNumber', render: (v: string, r) => <Link to={`/households/${r.householdId}`}>{v}</Link> },
    { title: t('village'), dataIndex: 'villageName', render: (v: string | null, r) => v ?? r.villageCode },
    { title: t('monCadre'), dataIndex: 'cadreName', render: (v: string | null) => v ?? <Tag>{t('monUnassigned')}</Tag> },
    { title: t('monStatus'), dataIndex: 'status', render: (v: string, r) => (v === 'done' ? <Tag color={r.riskFound ? 'red' : 'green'}>{r.riskFound ? t('monRiskFound') : t('monNoRisk')}</Tag> : <Tag>{t('monAssigned')}</Tag>) },
    { title: t('monFindings'), dataIndex: 'findings' },
    { title: '', key: 'act', render: (_: unknown, r) => (r.status === 'assigned' && can(me, 'monitoring.write') ? <Button size="small" onClick={() => setRecording(r)}>{t('monRecord')}</Button> : null) },
  ];
  return (
    <Card
      title={t('monInspections')}
      extra={
        <Space wrap>
          <Input style={{ width: 110 }} value={cycle} onChange={(e) => { setCycle(e.target.value.trim()); setPage(1); }} placeholder="2020Q3" aria-label={t('monCycle')} />
          {can(me, 'monitoring.inspect') && (
            <Space>
              <InputNumber min={1} max={100} value={ratio} onChange={(v) => setRatio(v ?? 10)} addonAfter="%" style={{ width: 110 }} />
              <Button type="primary" loading={sample.isPending} onClick={() => sample.mutate()}>{t('monSample')}</Button>
            </Space>
          )}
        </Space>
      }
    >
      <Table rowKey="id" size="small" loading={list.isFetching} columns={columns} dataSource={list.data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }} />
      <Modal open={!!recording} title={t('monRecord')} onCancel={() => setRecording(null)} onOk={() => form.submit()} confirmLoading={record.isPending} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ riskFound: false, visitedOn: todayCn() }} onFinish={(v) => record.mutate(v)}>
          <Form.Item name="visitedOn" label={t('monVisitedOn')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: 'YYYY-MM-DD' }]}><Input /></Form.Item>
          <Form.Item name="findings" label={t('monFindings')} rules={[{ required: true, min: 4, message: t('monFindingsRequired') }]}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
          <Form.Item name="riskFound" label={t('monRiskFound')} valuePropName="checked"><Switch /></Form.Item>
          {riskFound && (
            <Form.Item name="riskKind" label={t('monRiskKind')} rules={[{ required: true, message: t('monRiskKind') }]}>
              <Select options={Object.entries(rules.data?.kinds ?? {}).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

/** 防返贫监测: warnings with the 15-day deadline, the clues they come from, and 回头看 tasks. */
export default function Monitoring() {
  const { t } = useI18n();
  return <Tabs items={[{ key: 'w', label: t('monWarnings'), children: <Warnings /> }, { key: 'c', label: t('monClues'), children: <Clues /> }, { key: 'i', label: t('monInspections'), children: <Inspections /> }]} />;
}

import { EyeOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { FormInstance } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { monitoringApi, type Clue } from '../../api/monitoring';
import { can, useCurrentUser } from '../../auth';
import { useI18n } from '../../i18n';
import { todayCn } from '../../lib/dates';
import { notifySuccess, showError } from '../../lib/notify';

interface NewClue { householdNumber?: string; idNumber?: string; source: string; kind: string; description: string; firstSeen: string; annualOutOfPocket?: number; singleStayOutOfPocket?: number }

/**
 * 监测线索: what was reported (the public form, a cadre's visit, a department, a complaint), with
 * its 15 days. A report that names no household is linked to the household found on the visit
 * (by 户编号); then the scan turns it into a warning. Closed with the reason once followed up.
 */
export default function Clues() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const writable = can(me, 'monitoring.write');
  const [q, setQ] = useState<{ status?: string; source?: string; page: number; pageSize: number }>({ status: 'open', page: 1, pageSize: 20 });
  const [unmasked, setUnmasked] = useState(false);
  const rules = useQuery({ queryKey: ['monitoring', 'rules'], queryFn: monitoringApi.rules, staleTime: 600_000 });
  const list = useQuery({ queryKey: ['monitoring', 'clues', q, unmasked], queryFn: () => monitoringApi.clues({ ...q, unmasked: unmasked || undefined }) });
  const [linking, setLinking] = useState<Clue | null>(null);
  const [closing, setClosing] = useState<Clue | null>(null);
  const [adding, setAdding] = useState(false);
  const [linkForm] = Form.useForm<{ householdNumber: string }>();
  const [closeForm] = Form.useForm<{ reason: string }>();
  const [addForm] = Form.useForm<NewClue>();
  const kind = Form.useWatch('kind', addForm);
  // A field error from the server goes under its field; anything else is a message.
  const fieldErrors = <T extends object>(form: FormInstance<T>, e: unknown, fallback: string) => {
    if (e instanceof ApiError && e.fieldErrors.length) {
      form.setFields(e.fieldErrors.map((f) => ({ name: f.field.replace(/^body\./, '').replace(/^facts\./, '') as keyof T & string, errors: [f.message] })) as Parameters<FormInstance<T>['setFields']>[0]);
    } else showError(e, fallback);
  };
  const done = () => { notifySuccess(t('saved')); void qc.invalidateQueries({ queryKey: ['monitoring'] }); };
  const link = useMutation({
    mutationFn: (v: { householdNumber: string }) => monitoringApi.linkClue(linking!.id, { householdNumber: v.householdNumber.trim(), version: linking!.version }),
    onSuccess: () => { setLinking(null); linkForm.resetFields(); done(); },
    onError: (e) => fieldErrors(linkForm, e, t('saveFailed')),
  });
  const close = useMutation({
    mutationFn: (v: { reason: string }) => monitoringApi.closeClue(closing!.id, { reason: v.reason, version: closing!.version }),
    onSuccess: () => { setClosing(null); closeForm.resetFields(); done(); },
    onError: (e) => fieldErrors(closeForm, e, t('saveFailed')),
  });
  const add = useMutation({
    mutationFn: (v: NewClue) => {
      const facts: Record<string, number> = {};
      if (v.annualOutOfPocket !== undefined && v.annualOutOfPocket !== null) facts.annualOutOfPocket = v.annualOutOfPocket;
      if (v.singleStayOutOfPocket !== undefined && v.singleStayOutOfPocket !== null) facts.singleStayOutOfPocket = v.singleStayOutOfPocket;
      return monitoringApi.createClue({
        householdNumber: v.householdNumber?.trim() || undefined, idNumber: v.idNumber?.trim() || undefined, source: v.source, kind: v.kind,
        description: v.description, firstSeen: v.firstSeen, facts: Object.keys(facts).length ? { ...facts, year: Number(v.firstSeen.slice(0, 4)) } : undefined,
      });
    },
    onSuccess: (r) => { setAdding(false); addForm.resetFields(); notifySuccess(t('clueAdded', { deadline: r.deadline })); void qc.invalidateQueries({ queryKey: ['monitoring'] }); },
    onError: (e) => fieldErrors(addForm, e, t('saveFailed')),
  });
  const sources = Object.entries(rules.data?.sources ?? {}).filter(([k]) => k !== 'scan');
  const columns: ColumnsType<Clue> = [
    { title: t('monFirstSeen'), dataIndex: 'firstSeen', width: 105 },
    { title: t('clueSource'), dataIndex: 'sourceLabel', width: 110 },
    { title: t('clueKind'), dataIndex: 'kindLabel', width: 150 },
    { title: t('village'), dataIndex: 'villageName', width: 120, render: (v: string | null, r) => v ?? r.villageCode },
    {
      title: t('householdNumber'), dataIndex: 'householdNumber', width: 170,
      render: (v: string | null, r) => (v ? <Link to={`/households/${r.householdId}`}>{v}</Link> : <Tag color="orange" data-testid="unlinked">{t('clueUnlinked')}</Tag>),
    },
    { title: t('clueDescription'), dataIndex: 'description', render: (v: string, r) => <Typography.Text>{v}{r.closedReason ? <Typography.Text type="secondary">（{t('clueClosedReason')}：{r.closedReason}）</Typography.Text> : null}</Typography.Text> },
    {
      title: t('clueReporter'), key: 'reporter', width: 150,
      render: (_: unknown, r) => (r.reporterName || r.reporterPhone || r.reporterIdNumber ? <span data-testid="reporter">{[r.reporterName, r.reporterPhone, r.reporterIdNumber].filter(Boolean).join(' ')}</span> : r.createdByName),
    },
    { title: t('monDeadline'), dataIndex: 'deadline', width: 125, render: (v: string, r) => (r.overdue ? <Tag color="red">{v} {t('monOverdue')}</Tag> : v) },
    { title: t('monStatus'), dataIndex: 'status', width: 80, render: (v: string) => <Tag color={v === 'open' ? 'red' : 'default'}>{v === 'open' ? t('clueOpen') : t('clueClosed')}</Tag> },
    {
      title: '', key: 'act', width: 150,
      render: (_: unknown, r) => (r.status === 'open' && writable ? (
        <Space size="small">
          {!r.householdId && <Button size="small" onClick={() => setLinking(r)}>{t('clueLink')}</Button>}
          <Button size="small" onClick={() => setClosing(r)}>{t('clueClose')}</Button>
        </Space>
      ) : null),
    },
  ];
  return (
    <Card
      title={t('monClues')}
      extra={
        <Space wrap>
          <Select style={{ width: 140 }} value={q.source ?? ''} onChange={(source) => setQ({ ...q, source: source || undefined, page: 1 })} aria-label={t('clueSource')}
            options={[{ value: '', label: t('clueAllSources') }, ...sources.map(([value, label]) => ({ value, label }))]} />
          <Select style={{ width: 100 }} value={q.status ?? ''} onChange={(status) => setQ({ ...q, status: status || undefined, page: 1 })} aria-label={t('monStatus')}
            options={[{ value: 'open', label: t('clueOpen') }, { value: 'closed', label: t('clueClosed') }, { value: '', label: t('monAll') }]} />
          {can(me, 'pii.unmask') && (
            <Tooltip title={t('unmaskNote')}>
              <Button icon={<EyeOutlined />} onClick={() => setUnmasked((x) => !x)} aria-pressed={unmasked}>{t('unmask')}</Button>
            </Tooltip>
          )}
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('refresh')} />
          {writable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('clueAdd')}</Button>}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('clueNote')}</Typography.Paragraph>
      <Table rowKey="id" size="small" loading={list.isFetching} columns={columns} dataSource={list.data?.items ?? []} scroll={{ x: 1500 }}
        pagination={{ current: q.page, pageSize: q.pageSize, total: list.data?.total ?? 0, onChange: (page, pageSize) => setQ({ ...q, page, pageSize }), showTotal: (n) => t('monTotal', { n }) }} />
      <Modal open={!!linking} title={t('clueLink')} onCancel={() => setLinking(null)} onOk={() => linkForm.submit()} confirmLoading={link.isPending} destroyOnHidden>
        <Typography.Paragraph>{linking?.kindLabel}：{linking?.description}</Typography.Paragraph>
        <Form form={linkForm} layout="vertical" onFinish={(v) => link.mutate(v)}>
          <Form.Item name="householdNumber" label={t('householdNumber')} extra={t('clueLinkNote')} rules={[{ required: true, whitespace: true, message: t('clueNumberRequired') }]}>
            <Input maxLength={40} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={!!closing} title={t('clueClose')} onCancel={() => setClosing(null)} onOk={() => closeForm.submit()} confirmLoading={close.isPending} destroyOnHidden>
        <Typography.Paragraph>{closing?.kindLabel}：{closing?.description}</Typography.Paragraph>
        <Form form={closeForm} layout="vertical" onFinish={(v) => close.mutate(v)}>
          <Form.Item name="reason" label={t('clueClosedReason')} rules={[{ required: true, min: 2, message: t('monResolutionRequired') }]}><Input.TextArea rows={3} maxLength={1000} /></Form.Item>
        </Form>
      </Modal>
      <Modal open={adding} title={t('clueAdd')} onCancel={() => setAdding(false)} onOk={() => addForm.submit()} confirmLoading={add.isPending} destroyOnHidden>
        <Form form={addForm} layout="vertical" initialValues={{ source: 'cadre_visit', firstSeen: todayCn() }} onFinish={(v) => add.mutate(v)}>
          <Form.Item name="source" label={t('clueSource')} rules={[{ required: true }]}>
            <Select options={sources.filter(([k]) => k !== 'department' || can(me, 'monitoring.department')).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="householdNumber" label={t('householdNumber')} extra={t('clueWhoNote')}><Input maxLength={40} /></Form.Item>
          <Form.Item name="idNumber" label={t('idNumber')}><Input maxLength={18} /></Form.Item>
          <Form.Item name="kind" label={t('clueKind')} rules={[{ required: true, message: t('srPick') }]}>
            <Select options={Object.entries(rules.data?.kinds ?? {}).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          {kind === 'MEDICAL' && (
            <Space wrap>
              <Form.Item name="annualOutOfPocket" label={t('clueAnnualOop')}><InputNumber min={0} max={1e8} precision={2} style={{ width: 180 }} /></Form.Item>
              <Form.Item name="singleStayOutOfPocket" label={t('clueSingleStay')}><InputNumber min={0} max={1e8} precision={2} style={{ width: 180 }} /></Form.Item>
            </Space>
          )}
          <Form.Item name="description" label={t('clueDescription')} rules={[{ required: true, min: 4, message: t('srDescriptionRequired') }]}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
          <Form.Item name="firstSeen" label={t('monFirstSeen')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: 'YYYY-MM-DD' }]}><Input /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

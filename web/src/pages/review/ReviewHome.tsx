import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Form, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { can, useCurrentUser } from '../../auth';
import { fmtInt, fmtTime } from '../../lib/format';
import { notifySuccess, showError } from '../../lib/notify';
import { CandidateTable } from './Candidates';
import { NewProposalModal } from './NewProposal';
import { STATE_LABELS, useReviewText } from './text';
import type { Cycle, Notice, Proposal, SnapshotRow } from './types';

/** 动态管理: the inbox, all proposals, notices and the quarterly cycles, in one screen with tabs. */
export default function ReviewHome() {
  const { r } = useReviewText();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'inbox';
  const [creating, setCreating] = useState(false);
  const cycles = useQuery({ queryKey: ['review', 'cycles'], queryFn: () => api.get<{ items: Cycle[]; current: Cycle | null }>('/api/review/cycles') });
  const current = cycles.data?.current ?? null;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>{r('title')}</Typography.Title>
          {can(me, 'review.propose') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={!current} data-testid="new-proposal">{r('newProposal')}</Button>
          )}
        </Space>
        {current ? (
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginTop: 8 }} data-testid="current-cycle">
            <Descriptions.Item label={r('currentCycle')}><b>{current.title}</b></Descriptions.Item>
            <Descriptions.Item label={r('villageDeadline')}>{current.villageDeadline}</Descriptions.Item>
            <Descriptions.Item label={r('townshipDeadline')}>{current.townshipDeadline}</Descriptions.Item>
            <Descriptions.Item label={r('countyDeadline')}>{current.countyDeadline}</Descriptions.Item>
          </Descriptions>
        ) : cycles.isSuccess ? <Alert type="info" showIcon message={r('noCycle')} style={{ marginTop: 8 }} /> : null}
      </Card>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k })}
          items={[
            { key: 'inbox', label: r('inbox'), children: <ProposalTable inbox /> },
            { key: 'all', label: r('all'), children: <ProposalTable cycles={cycles.data?.items ?? []} /> },
            { key: 'notices', label: r('notices'), children: <NoticeTable /> },
            { key: 'cycles', label: r('cycles'), children: <CyclesPanel cycles={cycles.data?.items ?? []} current={current} /> },
            ...(can(me, 'comparison.read') ? [{ key: 'candidates', label: r('candidates'), children: <CandidateTable cycleOpen={!!current} /> }] : []),
          ]}
        />
      </Card>
      {creating && <NewProposalModal onClose={() => setCreating(false)} />}
    </Space>
  );
}

function stateTag(state: string, lang: string) {
  const s = STATE_LABELS[state] ?? [state, state, 'default'];
  return <Tag color={s[2]}>{lang === 'zh' ? s[0] : s[1]}</Tag>;
}

function ProposalTable({ inbox = false, cycles = [] }: { inbox?: boolean; cycles?: Cycle[] }) {
  const { r, lang } = useReviewText();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<{ cycleId?: string; type?: string; state?: string; overdue?: boolean }>({});
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Proposal[]>([]);
  const query = { ...(inbox ? { inbox: 1 } : filter), ...(filter.overdue ? { overdue: 1 } : {}), page, pageSize: 20 };
  const list = useQuery({
    queryKey: ['review', 'proposals', inbox, query],
    queryFn: () => api.get<{ items: Proposal[]; total: number }>('/api/review/proposals', query as Record<string, string | number>),
    placeholderData: keepPreviousData,
  });
  const wf = useQuery({ queryKey: ['review', 'workflows'], queryFn: () => api.get<{ workflows: Record<string, { label: string }[]> }>('/api/review/workflows'), staleTime: 600_000 });

  // A notice can be posted for proposals of one type at the same notice step (the server checks the village too).
  const noticeable = selected.length > 0 && selected.every((p) => p.currentStep && (p.currentStep.kind === 'notice' || p.currentStep.kind === 'announce')
    && p.currentStep.key === selected[0]!.currentStep!.key && p.type === selected[0]!.type && !p.noticeId
    && (p.currentStep.roles as readonly string[]).includes(me.role));
  const post = useMutation({
    mutationFn: () => api.post<Notice>('/api/review/notices', { proposalIds: selected.map((p) => p.id) }),
    onSuccess: (n) => {
      notifySuccess(`${n.title}`);
      setSelected([]);
      void qc.invalidateQueries({ queryKey: ['review'] });
    },
    onError: (e) => showError(e),
  });

  const columns: ColumnsType<Proposal> = [
    { title: r('number'), dataIndex: 'number', key: 'number', width: 200, render: (v: string, p) => <Link to={`/review/proposals/${p.id}`}>{v}</Link> },
    { title: r('type'), dataIndex: 'typeLabel', key: 'type', width: 150 },
    { title: r('household'), dataIndex: 'householdNumber', key: 'hh', width: 140, render: (v: string, p) => (p.householdId ? <Link to={`/households/${p.householdId}`}>{v}</Link> : v) },
    { title: r('head'), dataIndex: 'headName', key: 'head', width: 80 },
    { title: r('step'), key: 'step', width: 160, render: (_, p) => (p.currentStep ? <span>{p.currentStep.label}{p.noticeId && <Tag style={{ marginInlineStart: 4 }}>公示中</Tag>}</span> : '—') },
    { title: r('state'), dataIndex: 'state', key: 'state', width: 110, render: (v: string) => stateTag(v, lang) },
    {
      title: r('deadline'), key: 'deadline', width: 150,
      render: (_, p) => (
        <span>
          {p.decisionDue ?? p.stepDeadline ?? '—'}
          {p.overdue && <Tag color="red" style={{ marginInlineStart: 4 }} data-testid="overdue-tag">{r('overdue')}</Tag>}
        </span>
      ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {!inbox && (
          <>
            <Select allowClear placeholder={r('cycles')} style={{ width: 200 }} value={filter.cycleId} onChange={(v) => { setFilter({ ...filter, cycleId: v }); setPage(1); }}
              options={cycles.map((c) => ({ value: c.id, label: c.title }))} />
            <Select allowClear placeholder={r('type')} style={{ width: 170 }} value={filter.type} onChange={(v) => { setFilter({ ...filter, type: v }); setPage(1); }}
              options={Object.keys(wf.data?.workflows ?? {}).map((k) => ({ value: k, label: TYPE_LABELS[k] ?? k }))} aria-label={r('type')} />
            <Select allowClear placeholder={r('state')} style={{ width: 140 }} value={filter.state} onChange={(v) => { setFilter({ ...filter, state: v }); setPage(1); }}
              options={Object.entries(STATE_LABELS).map(([k, v]) => ({ value: k, label: lang === 'zh' ? v[0] : v[1] }))} />
          </>
        )}
        <Button onClick={() => { setFilter({ ...filter, overdue: !filter.overdue }); setPage(1); }} type={filter.overdue ? 'primary' : 'default'} danger={!!filter.overdue}>{r('overdue')}</Button>
        <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label="刷新" />
        {inbox && (
          <Button type="primary" disabled={!noticeable} loading={post.isPending} onClick={() => post.mutate()} data-testid="post-notice">
            {selected[0]?.currentStep?.kind === 'announce' ? r('announce') : r('postNotice')}{selected.length ? `（${selected.length}）` : ''}
          </Button>
        )}
      </Space>
      {inbox && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r('selectForNotice')}</Typography.Text>}
      <Table<Proposal>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        columns={columns}
        scroll={{ x: 980 }}
        rowSelection={inbox ? { selectedRowKeys: selected.map((p) => p.id), onChange: (_, rows) => setSelected(rows) } : undefined}
        onRow={(p) => ({ onDoubleClick: () => navigate(`/review/proposals/${p.id}`) })}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (n) => `${fmtInt(n)}` }}
      />
    </Space>
  );
}

export const TYPE_LABELS: Record<string, string> = {
  identify: '贫困户识别（纳入）', exit: '贫困户退出（脱贫）', return: '返贫', remove: '剔除', monitor_enter: '纳入监测对象', risk_eliminated: '监测对象风险消除',
};

function NoticeTable() {
  const { r } = useReviewText();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['review', 'notices'], queryFn: () => api.get<{ items: (Notice & { regionCode: string })[] }>('/api/review/notices') });
  const close = useMutation({
    mutationFn: (id: string) => api.post<{ advanced: string[] }>(`/api/review/notices/${id}/close`),
    onSuccess: (res) => {
      notifySuccess(`已结束公示，${res.advanced.length} 件进入下一环节`);
      void qc.invalidateQueries({ queryKey: ['review'] });
    },
    onError: (e) => showError(e),
  });
  const columns: ColumnsType<Notice> = [
    { title: '标题', dataIndex: 'title', key: 'title', render: (v: string, n) => <Link to={`/notices/${n.id}`} target="_blank">{v}</Link> },
    { title: r('noticePeriod'), key: 'period', width: 200, render: (_, n) => `${n.startsOn} 至 ${n.endsOn}（${n.minDays} 天）` },
    { title: r('households'), key: 'n', width: 70, align: 'right', render: (_, n) => n.body.rows.filter((x) => !x.withdrawn).length },
    { title: r('state'), dataIndex: 'status', key: 'status', width: 90, render: (v: string, n) => (n.kind === 'announcement' ? <Tag color="blue">公告</Tag> : v === 'posted' ? <Tag color="orange">公示中</Tag> : <Tag>已结束</Tag>) },
    {
      title: '', key: 'a', width: 140,
      render: (_, n) => n.kind === 'notice' && n.status === 'posted' && (
        <Button size="small" onClick={() => close.mutate(n.id)} loading={close.isPending && close.variables === n.id} data-testid={`close-notice-${n.id}`}>{r('closeNotice')}</Button>
      ),
    },
  ];
  return <Table<Notice> rowKey="id" size="small" loading={list.isFetching} dataSource={list.data?.items ?? []} columns={columns} scroll={{ x: 760 }} pagination={{ pageSize: 20 }} />;
}

function CyclesPanel({ cycles, current }: { cycles: Cycle[]; current: Cycle | null }) {
  const { r } = useReviewText();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [snap, setSnap] = useState<Cycle | null>(null);
  const open = useMutation({
    mutationFn: (v: { year: number; quarter: number; villageDeadline: dayjs.Dayjs; townshipDeadline: dayjs.Dayjs; countyDeadline: dayjs.Dayjs }) =>
      api.post<Cycle>('/api/review/cycles', {
        year: v.year, quarter: v.quarter, villageDeadline: v.villageDeadline.format('YYYY-MM-DD'),
        townshipDeadline: v.townshipDeadline.format('YYYY-MM-DD'), countyDeadline: v.countyDeadline.format('YYYY-MM-DD'),
      }),
    onSuccess: (c) => {
      notifySuccess(`已开启：${c.title}`);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['review'] });
    },
    onError: (e) => showError(e),
  });
  const close = useMutation({
    mutationFn: (c: Cycle) => api.post<Cycle>(`/api/review/cycles/${c.id}/close`, { version: c.version }),
    onSuccess: (c) => {
      notifySuccess(`已关闭：${c.title}，冻结 ${fmtInt(c.snapshotRows)} 户`);
      void qc.invalidateQueries({ queryKey: ['review'] });
    },
    onError: (e) => showError(e),
  });
  const columns: ColumnsType<Cycle> = [
    { title: '周期', dataIndex: 'title', key: 'title' },
    { title: r('villageDeadline'), dataIndex: 'villageDeadline', key: 'v', width: 110 },
    { title: r('townshipDeadline'), dataIndex: 'townshipDeadline', key: 't', width: 110 },
    { title: r('countyDeadline'), dataIndex: 'countyDeadline', key: 'c', width: 110 },
    { title: '申报', key: 'counts', width: 220, render: (_, c) => Object.entries(c.counts ?? {}).map(([k, n]) => <Tag key={k}>{STATE_LABELS[k]?.[0] ?? k} {n}</Tag>) },
    { title: r('state'), key: 'status', width: 170, render: (_, c) => (c.status === 'open' ? <Tag color="orange">进行中</Tag> : <Tag>已关闭 {fmtTime(c.closedAt)}</Tag>) },
    {
      title: '', key: 'a', width: 170,
      render: (_, c) => c.status === 'closed'
        ? <Button size="small" onClick={() => setSnap(c)}>{r('snapshot')}</Button>
        : can(me, 'review.cycles') && (
          <Button size="small" danger loading={close.isPending} data-testid="close-cycle"
            onClick={() => Modal.confirm({ title: r('cycleClose'), content: `关闭「${c.title}」后将冻结各户状态，作为本期统计口径。`, onOk: () => close.mutateAsync(c) })}>
            {r('cycleClose')}
          </Button>
        ),
    },
  ];
  const q = dayjs();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {can(me, 'review.cycles') && !current && (
        <Form form={form} layout="inline" onFinish={(v) => open.mutate(v)} initialValues={{ year: q.year(), quarter: Math.floor(q.month() / 3) + 1 }} data-testid="open-cycle-form">
          <Form.Item name="year" label={r('year')} rules={[{ required: true }]}><InputNumber min={2014} max={2100} /></Form.Item>
          <Form.Item name="quarter" label={r('quarter')} rules={[{ required: true }]}><Select style={{ width: 80 }} options={[1, 2, 3, 4].map((n) => ({ value: n, label: n }))} /></Form.Item>
          <Form.Item name="villageDeadline" label={r('villageDeadline')} rules={[{ required: true, message: '请选择日期' }]}><DatePicker /></Form.Item>
          <Form.Item name="townshipDeadline" label={r('townshipDeadline')} rules={[{ required: true, message: '请选择日期' }]}><DatePicker /></Form.Item>
          <Form.Item name="countyDeadline" label={r('countyDeadline')} rules={[{ required: true, message: '请选择日期' }]}><DatePicker /></Form.Item>
          <Button type="primary" htmlType="submit" loading={open.isPending}>{r('cycleOpen')}</Button>
        </Form>
      )}
      <Table<Cycle> rowKey="id" size="small" dataSource={cycles} columns={columns} pagination={false} scroll={{ x: 980 }} />
      {snap && <SnapshotModal cycle={snap} onClose={() => setSnap(null)} />}
    </Space>
  );
}

function SnapshotModal({ cycle, onClose }: { cycle: Cycle; onClose: () => void }) {
  const { r } = useReviewText();
  const me = useCurrentUser();
  const [region, setRegion] = useState(me.regionCode);
  const data = useQuery({
    queryKey: ['review', 'snapshot', cycle.id, region],
    queryFn: () => api.get<{ total: SnapshotRow; children: (SnapshotRow & { name?: string })[] }>(`/api/review/cycles/${cycle.id}/snapshot`, { region }),
  });
  const statuses = ['未脱贫', '返贫', '已脱贫', '已剔除'];
  const columns: ColumnsType<SnapshotRow> = [
    { title: '区划', dataIndex: 'code', key: 'code', render: (v: string) => (v.endsWith('000') || v.length < 12 ? <a onClick={() => setRegion(v)}>{v}</a> : v) },
    { title: r('households'), dataIndex: 'households', key: 'h', align: 'right', render: fmtInt },
    { title: r('people'), dataIndex: 'people', key: 'p', align: 'right', render: fmtInt },
    ...statuses.map((s) => ({ title: `${s}（户）`, key: s, align: 'right' as const, render: (_: unknown, x: SnapshotRow) => fmtInt(x.byStatus[s]?.households ?? 0) })),
    { title: r('monitored'), dataIndex: 'monitoredHouseholds', key: 'm', align: 'right', render: fmtInt },
  ];
  return (
    <Modal open title={`${cycle.title} · ${r('snapshot')}`} onCancel={onClose} footer={null} width={900}>
      <Table<SnapshotRow> rowKey="code" size="small" loading={data.isFetching} columns={columns}
        dataSource={data.data ? [...data.data.children, { ...data.data.total, code: `合计 ${data.data.total.code}` }] : []} pagination={false} scroll={{ x: 760 }} />
    </Modal>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { Breadcrumb, Button, Card, Form, Input, InputNumber, Modal, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import { targetKeys, useIndicators, useIndicatorTrend, useTargetEntries, useTargetForms, useTargetReport } from '../api/queries';
import type { EntryStatus, Indicator, Rag, TargetEntry, TargetRow } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { Chart } from '../components/Chart';
import { useI18n, type MsgKey } from '../i18n';
import { fmtInt, fmtPct, fmtTime } from '../lib/format';
import { notifySuccess, showError } from '../lib/notify';

const RAG_COLOR: Record<Rag, string> = { green: 'green', amber: 'gold', red: 'red', unknown: 'default' };
const RAG_KEY: Record<Rag, MsgKey> = { green: 'ragGreen', amber: 'ragAmber', red: 'ragRed', unknown: 'ragUnknown' };
const STATUS_KEY: Record<EntryStatus, MsgKey> = { draft: 'entryDraft', submitted: 'entrySubmitted', county_approved: 'entryCountyApproved', approved: 'entryApproved' };
const STATUS_COLOR: Record<EntryStatus, string> = { draft: 'default', submitted: 'blue', county_approved: 'cyan', approved: 'green' };

/** 目标进度: plan against actual with red-amber-green, filtered by year. */
function Progress() {
  const { t } = useI18n();
  const [year, setYear] = useState<number | undefined>(undefined);
  const q = useTargetReport(year);
  const rows = q.data?.targets ?? [];
  const counts = rows.reduce<Record<Rag, number>>((a, r) => ({ ...a, [r.status]: a[r.status] + 1 }), { green: 0, amber: 0, red: 0, unknown: 0 });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Space wrap>
        <Segmented<string>
          value={year === undefined ? 'all' : String(year)}
          options={[{ label: t('allYears'), value: 'all' }, ...[2018, 2019, 2020].map((y) => ({ label: String(y), value: String(y) }))]}
          onChange={(v) => setYear(v === 'all' ? undefined : Number(v))}
          data-testid="target-year"
        />
        {(Object.keys(counts) as Rag[]).map((k) => <Tag key={k} color={RAG_COLOR[k]} data-testid={`rag-count-${k}`}>{t(RAG_KEY[k])} {counts[k]}</Tag>)}
        {q.data && <Typography.Text type="secondary">{t('asOf')} {fmtTime(q.data.asOf)}</Typography.Text>}
      </Space>
      <Table<TargetRow>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        data-testid="target-table"
        expandable={{ expandedRowRender: (r) => (
          <Typography.Paragraph style={{ margin: 0 }}>
            「{r.text}」<br /><Typography.Text type="secondary">{r.reachedBy}</Typography.Text>
            {r.detail && <><br /><Typography.Text data-testid="target-detail">{r.detail}</Typography.Text></>}
          </Typography.Paragraph>
        ) }}
        columns={[
          { title: t('clause'), dataIndex: 'clause', key: 'clause', width: 90 },
          { title: t('indicator'), dataIndex: 'indicator', key: 'indicator' },
          { title: t('targetYear'), key: 'year', width: 110, render: (_, r) => r.period ?? r.year ?? '—' },
          { title: t('planned'), key: 'planned', align: 'right', width: 130, render: (_, r) => `${r.planned} ${r.unit}` },
          { title: t('reached'), key: 'reached', align: 'right', width: 130, render: (_, r) => (r.reached === null ? '—' : `${r.reached} ${r.unit}`) },
          {
            title: t('ragStatus'), dataIndex: 'status', key: 'status', width: 100,
            filters: (Object.keys(RAG_COLOR) as Rag[]).map((k) => ({ text: t(RAG_KEY[k]), value: k })),
            onFilter: (v, r) => r.status === v,
            render: (s: Rag) => <Tag color={RAG_COLOR[s]}>{t(RAG_KEY[s])}</Tag>,
          },
        ]}
      />
    </Space>
  );
}

/** 目标填报: enter a value, submit it, approve it (county then city), or return it with a reason. */
function Entries() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const forms = useTargetForms();
  const entries = useTargetEntries();
  const [form] = Form.useForm<{ targetId: string; regionCode: string; year: number; value: number; note?: string }>();
  const targetId = Form.useWatch('targetId', form);
  const chosen = forms.data?.find((f) => f.id === targetId);
  const [busy, setBusy] = useState(false);
  const [returning, setReturning] = useState<TargetEntry | null>(null);
  const [reason, setReason] = useState('');
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: targetKeys.entries }), qc.invalidateQueries({ queryKey: ['targets', 'report'] })]);

  const save = async (v: { targetId: string; regionCode: string; year: number; value: number; note?: string }) => {
    const existing = entries.data?.find((e) => e.targetId === v.targetId && e.regionCode === v.regionCode && e.year === v.year);
    setBusy(true);
    try {
      await api.put('/api/targets/entries', { ...v, note: v.note ?? null, version: existing?.version });
      notifySuccess(t('saved'));
      await refresh();
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };
  const act = async (e: TargetEntry, action: 'submit' | 'approve' | 'unapprove', why?: string) => {
    try {
      await api.post(`/api/targets/entries/${e.id}/${action}`, { version: e.version, reason: why });
      notifySuccess(t(action === 'submit' ? 'entrySubmittedMsg' : action === 'approve' ? 'entryApprovedMsg' : 'entryReturnedMsg'));
      await refresh();
      return true;
    } catch (err) {
      showError(err);
      return false;
    }
  };
  const canEnter = can(me, 'targets.enter');
  const canApprove = can(me, 'targets.approve');

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      {canEnter && (
        <Card size="small" title={t('enterValue')}>
          <Form form={form} layout="inline" onFinish={(v) => void save(v)} initialValues={{ regionCode: me.regionCode }} data-testid="entry-form">
            <Form.Item name="targetId" label={t('indicator')} rules={[{ required: true, message: t('pickTarget') }]}>
              <Select
                showSearch
                optionFilterProp="label"
                style={{ width: 340 }}
                loading={forms.isLoading}
                options={(forms.data ?? []).map((f) => ({ value: f.id, label: `${f.clause} ${f.indicator}（${f.planned}${f.unit}）` }))}
                data-testid="entry-target"
              />
            </Form.Item>
            <Form.Item name="regionCode" label={t('regionCode')} rules={[{ required: true, pattern: /^\d{12}$/, message: t('regionCodeRule') }]}
              extra={chosen ? t('entryLevelHint', { level: chosen.entryLevel }) : undefined}>
              <Input style={{ width: 150 }} maxLength={12} data-testid="entry-region" />
            </Form.Item>
            <Form.Item name="year" label={t('targetYear')} rules={[{ required: true, message: t('pickYear') }]}>
              <Select style={{ width: 100 }} options={(chosen?.years ?? []).map((y) => ({ value: y, label: String(y) }))} data-testid="entry-year" />
            </Form.Item>
            <Form.Item name="value" label={`${t('value')}${chosen ? `（${chosen.unit}）` : ''}`} rules={[{ required: true, message: t('valueRequired') }]}>
              <InputNumber style={{ width: 120 }} data-testid="entry-value" />
            </Form.Item>
            <Form.Item name="note" label={t('note')}>
              <Input style={{ width: 180 }} maxLength={2000} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="entry-save">{t('save')}</Button>
          </Form>
        </Card>
      )}
      <Table<TargetEntry>
        size="small"
        rowKey="id"
        loading={entries.isLoading}
        dataSource={entries.data ?? []}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        scroll={{ x: 1000 }}
        data-testid="entry-table"
        columns={[
          { title: t('indicator'), key: 'ind', render: (_, e) => `${e.clause} ${e.indicator}` },
          { title: t('region'), key: 'region', render: (_, e) => `${e.regionName ?? ''} ${e.regionCode}` },
          { title: t('targetYear'), dataIndex: 'year', key: 'year', width: 70 },
          {
            title: t('value'), key: 'value', align: 'right', width: 150,
            render: (_, e) => <span style={{ color: e.meetsPlan ? undefined : '#c0392b' }}>{e.value} {e.unit}{e.meetsPlan ? '' : ` < ${e.planned}`}</span>,
          },
          {
            title: t('entryStatus'), key: 'status', width: 160,
            render: (_, e) => (
              <Space direction="vertical" size={0}>
                <Tag color={STATUS_COLOR[e.status]}>{t(STATUS_KEY[e.status])}</Tag>
                {e.returnReason && <Typography.Text type="danger" style={{ fontSize: 12 }}>{t('returnReason')}：{e.returnReason}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('actions'), key: 'actions', width: 200,
            render: (_, e) => (
              <Space size={4} wrap>
                {canEnter && e.status === 'draft' && <Button size="small" onClick={() => void act(e, 'submit')}>{t('submitEntry')}</Button>}
                {canApprove && (e.status === 'submitted' || e.status === 'county_approved') && (
                  <Button size="small" type="primary" onClick={() => void act(e, 'approve')}>{t('approveEntry')}</Button>
                )}
                {canApprove && e.status !== 'draft' && <Button size="small" danger onClick={() => { setReason(''); setReturning(e); }}>{t('returnEntry')}</Button>}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={returning !== null}
        title={t('returnEntry')}
        okText={t('returnEntry')}
        okButtonProps={{ danger: true, disabled: reason.trim().length < 2 }}
        onCancel={() => setReturning(null)}
        onOk={async () => { if (returning && (await act(returning, 'unapprove', reason))) setReturning(null); }}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('returnReasonHint')} data-testid="return-reason" />
      </Modal>
    </Space>
  );
}

/** 指标: pre-aggregated figures of a region and its children for a period, with drill-down and trend. */
function Indicators() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const region = params.get('region') ?? undefined;
  const [period, setPeriod] = useState('current');
  const q = useIndicators(region, period);
  const trend = useIndicatorTrend(region);
  const [busy, setBusy] = useState(false);
  const drill = (code: string) => { const p = new URLSearchParams(params); p.set('region', code); setParams(p); };
  const years = useMemo(() => (trend.data?.items ?? []).map((i) => i.period).filter((p) => p !== 'current'), [trend.data]);
  const trendOption = useMemo<EChartsCoreOption>(() => {
    const items = (trend.data?.items ?? []).filter((i) => i.period !== 'current');
    return {
      tooltip: { trigger: 'axis' },
      legend: { data: [t('poorPeople'), t('exitedPeople')] },
      grid: { left: 50, right: 20, top: 30, bottom: 30 },
      xAxis: { type: 'category', data: items.map((i) => i.period) },
      yAxis: { type: 'value' },
      series: [
        { name: t('poorPeople'), type: 'line', data: items.map((i) => i.poorPeople), color: '#c0392b' },
        { name: t('exitedPeople'), type: 'line', data: items.map((i) => i.exitedPeople), color: '#27ae60' },
      ],
    };
  }, [trend.data, t]);
  const doRefresh = async () => {
    setBusy(true);
    try {
      await api.post('/api/indicators/refresh');
      notifySuccess(t('indicatorsRefreshed'));
      await qc.invalidateQueries({ queryKey: ['indicators'] });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };
  const own = q.data?.region;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Space wrap>
        <Select style={{ width: 140 }} value={period} onChange={setPeriod} data-testid="indicator-period"
          options={[{ value: 'current', label: t('periodCurrent') }, ...years.map((y) => ({ value: y, label: t('periodYearEnd', { year: y }) }))]} />
        <Typography.Text type="secondary" data-testid="indicators-computed-at">
          {q.data?.computedAt ? `${t('computedAt')} ${fmtTime(q.data.computedAt)}` : t('notComputed')}
        </Typography.Text>
        {q.data?.stale && (q.data.error
          ? <Tag color="red" data-testid="indicators-stale">{t('indicatorsRefreshFailed')}：{q.data.error}</Tag>
          : <Tag color="processing" data-testid="indicators-stale">{t('indicatorsStale')}</Tag>)}
        {can(me, 'indicators.refresh') && <Button onClick={() => void doRefresh()} loading={busy} data-testid="indicators-refresh">{t('refreshIndicators')}</Button>}
      </Space>
      {own && (
        <Breadcrumb items={[{ title: <a onClick={() => drill(me.regionCode)}>{t('allScope')}</a> }, { title: `${own.name ?? ''} ${own.regionCode}` }]} />
      )}
      {own && (
        <Typography.Text data-testid="indicator-own">
          {own.name}：{t('households')} {fmtInt(own.households)}，{t('people')} {fmtInt(own.people)}，{t('poorPeople')} {fmtInt(own.poorPeople)}，{t('incidence')} {fmtPct(own.incidence)}
        </Typography.Text>
      )}
      <Table<Indicator>
        size="small"
        rowKey="regionCode"
        loading={q.isLoading}
        dataSource={q.data?.children ?? []}
        pagination={false}
        scroll={{ x: 800 }}
        data-testid="indicator-table"
        columns={[
          { title: t('region'), key: 'name', render: (_, r) => (r.level === 'village' ? r.name : <a onClick={() => drill(r.regionCode)}>{r.name ?? r.regionCode}</a>) },
          { title: t('households'), dataIndex: 'households', key: 'h', align: 'right', render: fmtInt },
          { title: t('people'), dataIndex: 'people', key: 'p', align: 'right', render: fmtInt },
          { title: t('poorPeople'), dataIndex: 'poorPeople', key: 'pp', align: 'right', render: fmtInt },
          { title: t('exitedPeople'), dataIndex: 'exitedPeople', key: 'ep', align: 'right', render: fmtInt },
          { title: t('ruralPopulation'), dataIndex: 'ruralPopulation', key: 'rp', align: 'right', render: fmtInt },
          { title: t('incidence'), dataIndex: 'incidence', key: 'inc', align: 'right', render: (v: number | null) => fmtPct(v), sorter: (a, b) => (a.incidence ?? -1) - (b.incidence ?? -1) },
        ]}
      />
      <Card size="small" title={t('trendByYear')}>
        <Chart option={trendOption} label={t('trendByYear')} testId="chart-indicator-trend" />
      </Card>
    </Space>
  );
}

export default function TargetsPage() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const items = [
    ...(can(me, 'registry.read') ? [{ key: 'progress', label: t('targetProgress'), children: <Progress /> }] : []),
    ...(can(me, 'targets.read') ? [{ key: 'entries', label: t('targetEntries'), children: <Entries /> }] : []),
    ...(can(me, 'targets.read') ? [{ key: 'indicators', label: t('indicatorsTab'), children: <Indicators /> }] : []),
  ];
  return (
    <Card title={t('menuTargets')}>
      <Tabs items={items} destroyOnHidden />
    </Card>
  );
}

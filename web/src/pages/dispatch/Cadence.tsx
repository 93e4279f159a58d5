import { useQueryClient } from '@tanstack/react-query';
import { Breadcrumb, Button, Card, Col, Form, Input, Row, Segmented, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { dispatchApi, dispatchKeys, useCadence, useCompliance, useDispatchReports, type CadenceRow, type DispatchReport, type LevelCompliance } from '../../api/dispatch';
import { can, useCurrentUser } from '../../auth';
import { fmtPct, fmtTime } from '../../lib/format';
import { notifySuccess, showError } from '../../lib/notify';
import { useRegionTreeData } from './Tasks';
import { daysAgo, LEVEL_KEY, todayIso, useDispatchText } from './text';

type Preset = 'last7' | 'last30' | 'last90' | 'thisYear';
const windowOf = (p: Preset): { from: string; to: string } => {
  const to = todayIso();
  if (p === 'thisYear') return { from: `${to.slice(0, 4)}-01-01`, to };
  return { from: daysAgo({ last7: 7, last30: 30, last90: 90 }[p]), to };
};

const MAX_TAGS = 8;

/** Periods as tags, the first few and a count of the rest. */
function PeriodTags({ items, color, testId }: { items: string[]; color: string; testId: string }) {
  const { d } = useDispatchText();
  if (items.length === 0) return <Typography.Text type="secondary">{d('noneMissing')}</Typography.Text>;
  return (
    <span data-testid={testId}>
      {items.slice(0, MAX_TAGS).map((p) => <Tag key={p} color={color} style={{ marginBottom: 2 }}>{p}</Tag>)}
      {items.length > MAX_TAGS && <Tag>{d('more', { n: items.length - MAX_TAGS })}</Tag>}
    </span>
  );
}

interface ReportForm { regionCode: string; heldOn: string; chair: string; summary: string }

/**
 * 调度落实: for each level below the chosen region, the meetings owed at the seed's cadence and how
 * many were held, on time, late or missing; per region the missing and late periods; record one.
 */
export function Cadence() {
  const { d } = useDispatchText();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const root = params.get('region') ?? me.regionCode;
  const [preset, setPreset] = useState<Preset>('last30');
  const win = { region: root, ...windowOf(preset) };
  const comp = useCompliance(win);
  const rows = useCadence(win);
  const reports = useDispatchReports(win);
  const tree = useRegionTreeData();
  const [form] = Form.useForm<ReportForm>();
  const [busy, setBusy] = useState(false);
  const drill = (code: string) => {
    const p = new URLSearchParams(params);
    p.set('region', code);
    setParams(p, { replace: true });
  };
  const writable = can(me, 'dispatch.write');

  const save = async (v: ReportForm) => {
    setBusy(true);
    try {
      await dispatchApi.report(v);
      notifySuccess(d('reportSaved'));
      form.setFieldsValue({ chair: v.chair, summary: '' });
      await qc.invalidateQueries({ queryKey: dispatchKeys.all });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  const cadenceLabel = (c: CadenceRow['cadence']) => d(c);
  const columns: ColumnsType<CadenceRow> = [
    {
      title: d('region'), key: 'region', width: 150,
      render: (_, r) => (r.level === 'village' || r.regionCode === root ? (r.regionName ?? r.regionCode) : <a onClick={() => drill(r.regionCode)}>{r.regionName ?? r.regionCode}</a>),
    },
    { title: d('cadence'), key: 'cadence', width: 130, render: (_, r) => <span>{d(LEVEL_KEY[r.level])} · {cadenceLabel(r.cadence)}</span> },
    {
      title: d('heldOfExpected'), key: 'held', width: 110, align: 'right',
      render: (_, r) => <span className={r.missing.length ? 'overdue-text' : undefined}>{r.held}/{r.expected}</span>,
    },
    { title: d('missingPeriods'), key: 'missing', render: (_, r) => <PeriodTags items={r.missing} color="red" testId="missing-periods" /> },
    { title: d('latePeriods'), key: 'late', width: 200, render: (_, r) => <PeriodTags items={r.late} color="orange" testId="late-periods" /> },
    { title: d('lastHeld'), dataIndex: 'lastHeldOn', key: 'last', width: 110, render: (v: string | null) => v ?? '—' },
  ];
  const reportColumns: ColumnsType<DispatchReport> = [
    { title: d('heldOn'), dataIndex: 'heldOn', key: 'heldOn', width: 110 },
    { title: d('region'), key: 'region', width: 140, render: (_, r) => r.regionName ?? r.regionCode },
    { title: d('chair'), dataIndex: 'chair', key: 'chair', width: 140 },
    { title: d('summary'), dataIndex: 'summary', key: 'summary' },
    {
      title: d('recordedAt'), key: 'at', width: 170,
      render: (_, r) => <Space size={4}>{fmtTime(r.recordedAt)}{!r.onTime && <Tag color="orange">{d('late')}</Tag>}</Space>,
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Space wrap>
        <Segmented<Preset> value={preset} onChange={setPreset} data-testid="cadence-window"
          options={(['last7', 'last30', 'last90', 'thisYear'] as const).map((p) => ({ value: p, label: d(p) }))} />
        <Typography.Text type="secondary">{win.from} — {win.to}</Typography.Text>
      </Space>
      {root !== me.regionCode && (
        <Breadcrumb items={[{ title: <a onClick={() => drill(me.regionCode)}>{d('allScope')}</a> }, { title: rows.data?.find((r) => r.regionCode === root)?.regionName ?? root }]} />
      )}
      <Row gutter={[12, 12]} data-testid="compliance">
        {(comp.data ?? []).map((c: LevelCompliance) => (
          <Col key={c.level} xs={24} sm={12} xl={6}>
            <Card size="small" title={<span>{d(LEVEL_KEY[c.level])} · {d(c.cadence)}</span>} data-testid={`compliance-${c.level}`}>
              <Typography.Paragraph style={{ marginBottom: 4 }}>
                {d('onTimeShare')}：<Typography.Text strong type={c.onTimeShare !== null && c.onTimeShare < 1 ? 'danger' : undefined}>{fmtPct(c.onTimeShare, 1)}</Typography.Text>
              </Typography.Paragraph>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {d('units')} {c.units} × {d('periods')} {c.periods} = {d('expected')} {c.expected}
              </Typography.Text>
              <div style={{ marginTop: 4 }}>
                <Tag color="green">{d('onTime')} {c.onTime}</Tag>
                <Tag color={c.late ? 'orange' : 'default'}>{d('late')} {c.late}</Tag>
                <Tag color={c.missing ? 'red' : 'default'}>{d('missing')} {c.missing}</Tag>
              </div>
            </Card>
          </Col>
        ))}
      </Row>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{d('openPeriodNote')}</Typography.Text>
      <Table<CadenceRow>
        size="small"
        rowKey="regionCode"
        loading={rows.isFetching}
        dataSource={rows.data ?? []}
        columns={columns}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
        rowClassName={(r) => (r.missing.length ? 'row-overdue' : r.late.length ? 'row-late' : '')}
        data-testid="cadence-table"
      />
      {writable && (
        <Card size="small" title={d('recordReport')}>
          <Form form={form} layout="vertical" initialValues={{ regionCode: me.regionCode, heldOn: todayIso() }} onFinish={(v) => void save(v)} data-testid="report-form">
            <Row gutter={12}>
              <Col xs={24} md={8}>
                <Form.Item name="regionCode" label={d('region')} rules={[{ required: true, message: d('regionRequired') }]}>
                  <TreeSelect showSearch treeNodeFilterProp="title" treeData={tree} styles={{ popup: { root: { maxHeight: 360, overflow: 'auto' } } }} />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item name="heldOn" label={d('heldOn')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}>
                  <Input type="date" max={todayIso()} data-testid="report-held-on" />
                </Form.Item>
              </Col>
              <Col xs={24} md={10}>
                <Form.Item name="chair" label={d('chair')} rules={[{ required: true, whitespace: true, message: d('chairRequired') }]}>
                  <Input maxLength={200} placeholder={d('chairHint')} data-testid="report-chair" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="summary" label={d('summary')} rules={[{ required: true, min: 2, whitespace: true, message: d('summaryRequired') }]}>
              <Input.TextArea rows={2} maxLength={5000} data-testid="report-summary" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="report-save">{d('recordReport')}</Button>
          </Form>
        </Card>
      )}
      <Card size="small" title={d('recentReports')}>
        <Table<DispatchReport> size="small" rowKey="id" loading={reports.isFetching} dataSource={reports.data ?? []} columns={reportColumns}
          scroll={{ x: 800 }} pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }} data-testid="report-table" />
      </Card>
    </Space>
  );
}

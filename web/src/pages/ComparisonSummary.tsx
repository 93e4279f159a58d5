import { Card, Col, Empty, Result, Row, Select, Space, Table, Typography } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { KINDS } from '../../../src/modules/comparison/kinds';
import { useFindingSummary, useRegions } from '../api/queries';
import type { SummaryRow } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { Chart } from '../components/Chart';
import { useI18n, type MsgKey } from '../i18n';
import { fmtInt } from '../lib/format';
import { regionPath } from '../lib/regions';
import { kindLabel } from './ComparisonUpload';
import { FINDING_STATUSES } from './ComparisonFindings';

const STATUS_COLOR: Record<string, string> = { open: '#e67e22', confirmed: '#c0392b', dismissed: '#95a5a6', closed: '#2980b9' };

interface Line {
  key: string;
  label: string;
  open: number;
  confirmed: number;
  dismissed: number;
  closed: number;
  total: number;
}

function group(rows: SummaryRow[], by: (r: SummaryRow) => string, label: (k: string) => string): Line[] {
  const m = new Map<string, Line>();
  for (const r of rows) {
    const k = by(r);
    const l = m.get(k) ?? { key: k, label: label(k), open: 0, confirmed: 0, dismissed: 0, closed: 0, total: 0 };
    l.open += r.open;
    l.confirmed += r.confirmed;
    l.dismissed += r.dismissed;
    l.closed += r.closed;
    l.total += r.total;
    m.set(k, l);
  }
  return [...m.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

/** Findings by kind and by region (one level below the selected region), by status: a chart with its table beside it. */
export default function ComparisonSummary() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const allowed = can(me, 'comparison.read');
  const region = params.get('region') ?? undefined;
  const kind = params.get('kind') ?? undefined;
  const summary = useFindingSummary(allowed ? region : undefined, allowed ? kind : undefined);
  const regions = useRegions();
  const names = useMemo(() => new Map((regions.data ?? []).map((r) => [r.code, r.name])), [regions.data]);
  const title = useMemo(() => regionPath(regions.data, region ?? me.regionCode).map((r) => r.name).join(' / '), [regions.data, region, me.regionCode]);

  const items = useMemo(() => summary.data?.items ?? [], [summary.data]);
  const byKind = useMemo(() => group(items, (r) => r.kind, kindLabel), [items]);
  const byRegion = useMemo(() => group(items, (r) => r.region, (k) => names.get(k) ?? (k === '620100000000' ? '市本级' : k)), [items, names]);
  const statusLabel = (s: string) => t(`cmpStatus_${s}` as MsgKey);

  const option = (lines: Line[]): EChartsCoreOption => {
    const rev = [...lines].reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0 },
      grid: { left: 150, right: 24, top: 8, bottom: 40 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rev.map((l) => l.label), axisLabel: { width: 140, overflow: 'truncate' } },
      series: FINDING_STATUSES.map((s) => ({
        name: statusLabel(s), type: 'bar', stack: 'status', barMaxWidth: 36, itemStyle: { color: STATUS_COLOR[s] }, data: rev.map((l) => l[s]),
      })),
    };
  };
  const kindOption = useMemo(() => option(byKind), [byKind, t]); // eslint-disable-line react-hooks/exhaustive-deps
  const regionOption = useMemo(() => option(byRegion), [byRegion, t]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!allowed) return <Result status="403" title={t('noPermission')} />;

  const table = (lines: Line[], keyTitle: string, testId: string, onRow?: (l: Line) => void) => {
    const sum = lines.reduce((a, l) => ({ open: a.open + l.open, confirmed: a.confirmed + l.confirmed, dismissed: a.dismissed + l.dismissed, closed: a.closed + l.closed, total: a.total + l.total }),
      { open: 0, confirmed: 0, dismissed: 0, closed: 0, total: 0 });
    return (
      <Table<Line>
        size="small" rowKey="key" pagination={false} dataSource={lines} data-testid={testId}
        onRow={onRow ? (l) => ({ onClick: () => onRow(l), style: { cursor: 'pointer' } }) : undefined}
        columns={[
          { title: keyTitle, dataIndex: 'label', key: 'label', ellipsis: true },
          ...FINDING_STATUSES.map((s) => ({ title: statusLabel(s), dataIndex: s, key: s, align: 'right' as const, width: 70, render: fmtInt })),
          { title: t('cmpTotal'), dataIndex: 'total', key: 'total', align: 'right' as const, width: 70, render: fmtInt },
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}><b>{t('cmpTotal')}</b></Table.Summary.Cell>
            {FINDING_STATUSES.map((s, i) => <Table.Summary.Cell key={s} index={i + 1} align="right"><b>{fmtInt(sum[s])}</b></Table.Summary.Cell>)}
            <Table.Summary.Cell index={5} align="right"><b>{fmtInt(sum.total)}</b></Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
    );
  };

  const findingsOf = (patch: Record<string, string>) => {
    const p = new URLSearchParams();
    if (kind) p.set('kind', kind);
    if (region) p.set('region', region);
    for (const [k, v] of Object.entries(patch)) p.set(k, v);
    navigate(`/comparison/findings?${p.toString()}`);
  };

  return (
    <div>
      <Typography.Title level={4} className="page-title">
        {t('cmpSummaryTitle')} <Typography.Text type="secondary" style={{ fontSize: 14 }}>{title}</Typography.Text>
      </Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text>{t('cmpKind')}</Typography.Text>
        <Select allowClear style={{ width: 260 }} value={kind} placeholder={t('any')} data-testid="summary-kind"
          options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
          onChange={(v?: string) => {
            const next = new URLSearchParams(params);
            if (v) next.set('kind', v);
            else next.delete('kind');
            setParams(next);
          }} />
      </Space>
      {items.length === 0 && !summary.isFetching ? (
        <Card><Empty description={t('cmpNoFindings')} /></Card>
      ) : (
        <>
          <Card size="small" title={t('cmpByKind')} style={{ marginBottom: 12 }}>
            <Row gutter={[16, 8]}>
              <Col xs={24} lg={12}>
                <Chart option={kindOption} label={t('cmpByKind')} testId="chart-by-kind" className="chart-box" />
              </Col>
              <Col xs={24} lg={12}>{table(byKind, t('cmpKind'), 'summary-by-kind', (l) => findingsOf({ kind: l.key }))}</Col>
            </Row>
          </Card>
          <Card size="small" title={t('cmpByRegion')}>
            <Row gutter={[16, 8]}>
              <Col xs={24} lg={12}>
                <Chart option={regionOption} label={t('cmpByRegion')} testId="chart-by-region" className="chart-box" />
              </Col>
              <Col xs={24} lg={12}>{table(byRegion, t('region'), 'summary-by-region', (l) => findingsOf({ region: l.key }))}</Col>
            </Row>
          </Card>
        </>
      )}
    </div>
  );
}

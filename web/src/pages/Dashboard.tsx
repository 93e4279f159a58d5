import { ArrowUpOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Card, Col, Empty, Grid, Result, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useByRegion, useOverview, useRegions, useTrends } from '../api/queries';
import type { Bucket, RegionStats, YearCount } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { Chart } from '../components/Chart';
import { useI18n } from '../i18n';
import { fmtInt, fmtPct } from '../lib/format';
import { regionPath } from '../lib/regions';

const STATUS_COLOR: Record<string, string> = { 未脱贫: '#c0392b', 返贫: '#e67e22', 已脱贫: '#27ae60', 已剔除: '#95a5a6' };

/** A chart with its numbers in a table beside it (below it on a phone). */
function ChartWithTable({ chart, table, even }: { chart: React.ReactNode; table: React.ReactNode; even?: boolean }) {
  return (
    <Row gutter={[16, 8]}>
      <Col xs={24} lg={even ? 12 : 14}>{chart}</Col>
      <Col xs={24} lg={even ? 12 : 10}>{table}</Col>
    </Row>
  );
}

function bucketTable(rows: Bucket[], keyTitle: string, t: (k: 'households' | 'people' | 'total') => string) {
  const total = rows.reduce((a, r) => ({ households: a.households + r.households, people: a.people + r.people }), { households: 0, people: 0 });
  return (
    <Table<Bucket>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: keyTitle, dataIndex: 'key', key: 'key' },
        { title: t('households'), dataIndex: 'households', key: 'h', align: 'right', render: fmtInt },
        { title: t('people'), dataIndex: 'people', key: 'p', align: 'right', render: fmtInt },
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}><b>{t('total')}</b></Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right"><b>{fmtInt(total.households)}</b></Table.Summary.Cell>
          <Table.Summary.Cell index={2} align="right"><b>{fmtInt(total.people)}</b></Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}

export default function Dashboard() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const region = params.get('region') ?? me.regionCode;
  const allowed = can(me, 'registry.read');
  const overview = useOverview(allowed ? region : undefined);
  const byRegion = useByRegion(allowed ? region : undefined);
  const trends = useTrends(allowed ? region : undefined);
  const regions = useRegions();

  const path = useMemo(() => regionPath(regions.data, region), [regions.data, region]);
  const goto = (code: string) => setParams(code === me.regionCode ? {} : { region: code });

  const o = overview.data;
  const br = byRegion.data;
  const tr = trends.data;

  const narrow = !(Grid.useBreakpoint().sm ?? true);
  const statusOption = useMemo<EChartsCoreOption>(() => ({
    tooltip: { trigger: 'item', formatter: '{b}<br/>{c} 户（{d}%）' },
    legend: { bottom: 0 },
    series: [{
      type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'], avoidLabelOverlap: true,
      label: { show: !narrow, formatter: '{b}\n{c}' },
      data: (o?.byStatus ?? []).map((b) => ({ name: b.key, value: b.households, itemStyle: { color: STATUS_COLOR[b.key] } })),
    }],
  }), [o, narrow]);

  const barOption = (rows: Bucket[], horizontal: boolean): EChartsCoreOption => {
    const names = rows.map((b) => b.key);
    const cat = { type: 'category', data: horizontal ? [...names].reverse() : names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 0 } };
    const val = { type: 'value' };
    const data = (k: 'households' | 'people') => (horizontal ? [...rows].reverse() : rows).map((b) => b[k]);
    return {
      color: ['#c0392b', '#e67e22'],
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: horizontal ? 110 : 48, right: 24, top: 16, bottom: 48 },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: [
        { name: t('households'), type: 'bar', data: data('households') },
        { name: t('people'), type: 'bar', data: data('people') },
      ],
    };
  };
  const categoryOption = useMemo(() => barOption(o?.byCategory ?? [], false), [o, t]); // eslint-disable-line react-hooks/exhaustive-deps
  const causeOption = useMemo(() => barOption(o?.byCause ?? [], true), [o, t]); // eslint-disable-line react-hooks/exhaustive-deps

  const regionOption = useMemo<EChartsCoreOption>(() => {
    const items = br?.items ?? [];
    return {
      color: ['#c0392b', '#2980b9'],
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? String(v) : '—') },
      legend: { bottom: 0 },
      grid: { left: 56, right: 56, top: 24, bottom: items.length > 8 ? 96 : 56 },
      xAxis: { type: 'category', data: items.map((i) => i.name), axisLabel: { interval: 0, rotate: items.length > 6 ? 40 : 0 } },
      yAxis: [{ type: 'value', name: t('poorPeople') }, { type: 'value', name: '%', axisLabel: { formatter: '{value}%' } }],
      series: [
        { name: t('poorPeople'), type: 'bar', data: items.map((i) => i.poorPeople) },
        { name: t('incidence'), type: 'line', yAxisIndex: 1, connectNulls: false, data: items.map((i) => (i.incidence === null ? null : Math.round(i.incidence * 10000) / 100)) },
      ],
    };
  }, [br, t]);

  const trendOption = useMemo<EChartsCoreOption>(() => {
    const years = [...new Set([...(tr?.identification ?? []).map((y) => y.year), ...(tr?.exit ?? []).map((y) => y.year)])].sort();
    const at = (list: YearCount[] | undefined, y: number) => list?.find((x) => x.year === y)?.households ?? 0;
    return {
      color: ['#c0392b', '#27ae60'],
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 24, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: years.map(String) },
      yAxis: { type: 'value' },
      series: [
        { name: t('identified'), type: 'bar', data: years.map((y) => at(tr?.identification, y)) },
        { name: t('exited'), type: 'line', data: years.map((y) => at(tr?.exit, y)) },
      ],
    };
  }, [tr, t]);

  if (!allowed) return <Result status="403" title={t('noPermission')} subTitle={me.displayName} />;

  const drill = (code: string) => {
    const item = br?.items.find((i) => i.code === code);
    if (item?.hasChildren) goto(code);
  };

  const regionColumns: ColumnsType<RegionStats> = [
    {
      title: t('region'), dataIndex: 'name', key: 'name', fixed: 'left', width: 112,
      render: (v: string, r) => (
        <span>
          {r.hasChildren ? <Button type="link" size="small" style={{ padding: 0 }} onClick={() => goto(r.code)}>{v}</Button> : v}
          {r.poorVillage && <Tag color="red" style={{ marginInlineStart: 4 }}>贫</Tag>}
        </span>
      ),
    },
    { title: t('households'), dataIndex: 'households', key: 'h', align: 'right', render: fmtInt, width: 72 },
    { title: t('poorPeople'), dataIndex: 'poorPeople', key: 'pp', align: 'right', render: fmtInt, width: 96, sorter: (a, b) => a.poorPeople - b.poorPeople },
    { title: t('exitedPeople'), dataIndex: 'exitedPeople', key: 'ep', align: 'right', render: fmtInt, width: 96 },
    { title: t('ruralPopulation'), dataIndex: 'ruralPopulation', key: 'rp', align: 'right', render: fmtInt, width: 112 },
    {
      title: t('incidence'), dataIndex: 'incidence', key: 'inc', align: 'right', width: 104, sorter: (a, b) => (a.incidence ?? -1) - (b.incidence ?? -1),
      render: (v: number | null) => (v === null ? <Typography.Text type="secondary" title={t('populationUnknown')}>—</Typography.Text> : fmtPct(v)),
    },
  ];

  const yearRows = (() => {
    const years = [...new Set([...(tr?.identification ?? []).map((y) => y.year), ...(tr?.exit ?? []).map((y) => y.year)])].sort();
    return years.map((y) => ({
      year: y,
      ih: tr?.identification.find((x) => x.year === y)?.households ?? 0,
      ip: tr?.identification.find((x) => x.year === y)?.people ?? 0,
      eh: tr?.exit.find((x) => x.year === y)?.households ?? 0,
      ep: tr?.exit.find((x) => x.year === y)?.people ?? 0,
    }));
  })();

  const parentCode = path.length > 1 && region !== me.regionCode ? path[path.length - 2]?.code : undefined;

  return (
    <div data-testid="dashboard">
      <Space wrap style={{ marginBottom: 12, justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} className="page-title" style={{ marginBottom: 0 }}>{t('dashboard')} · {o?.region.name ?? ''}</Typography.Title>
        <Space wrap>
          <Breadcrumb
            items={path.map((r) => ({
              key: r.code,
              title: r.code === region ? r.name : <a href={`/?region=${r.code}`} onClick={(e) => { e.preventDefault(); goto(r.code); }}>{r.name}</a>,
            }))}
          />
          {parentCode && <Button size="small" icon={<ArrowUpOutlined />} onClick={() => goto(parentCode)}>{t('up')}</Button>}
        </Space>
      </Space>

      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {[
          { k: 'households' as const, v: o?.households },
          { k: 'people' as const, v: o?.people },
          { k: 'poorHouseholds' as const, v: o?.poorHouseholds },
          { k: 'poorPeople' as const, v: o?.poorPeople },
        ].map((s) => (
          <Col xs={12} md={8} xl={4} key={s.k}>
            <Card size="small" className="stat-card"><Statistic title={t(s.k)} value={s.v ?? '—'} loading={overview.isPending} /></Card>
          </Col>
        ))}
        <Col xs={12} md={8} xl={4}>
          <Card size="small" className="stat-card">
            <Statistic title={t('ruralPopulation')} value={br?.parent.ruralPopulation ?? '—'} loading={byRegion.isPending} />
          </Card>
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card size="small" className="stat-card">
            <Statistic title={`${t('incidence')}${br?.populationYear ? `（${br.populationYear}）` : ''}`} value={br?.parent.incidence == null ? '—' : fmtPct(br.parent.incidence)} loading={byRegion.isPending} />
          </Card>
        </Col>
      </Row>

      <Card size="small" title={t('byRegion')} style={{ marginBottom: 12 }}
        extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{br?.populationYear ? t('populationYear', { y: br.populationYear }) : t('populationUnknown')}</Typography.Text>}>
        {br && !br.items.length ? (
          <Table<RegionStats> size="small" rowKey="code" columns={regionColumns} dataSource={[br.parent]} pagination={false} scroll={{ x: 592 }} data-testid="region-table" />
        ) : br && br.items.length ? (
          <ChartWithTable
            even
            chart={<>
              <Chart option={regionOption} label={t('byRegion')} className="chart-box tall" onClick={(e) => { const it = br.items[e.dataIndex]; if (it) drill(it.code); }} testId="chart-region" />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('drillHint')}</Typography.Text>
            </>}
            table={<Table<RegionStats> size="small" rowKey="code" columns={regionColumns} dataSource={br.items} pagination={{ pageSize: 12, hideOnSinglePage: true, showSizeChanger: false }} scroll={{ x: 592 }} data-testid="region-table" />}
          />
        ) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      </Card>

      <Row gutter={[12, 12]}>
        <Col xs={24} xxl={12}>
          <Card size="small" title={t('byStatus')}>
            <ChartWithTable chart={<Chart option={statusOption} label={t('byStatus')} testId="chart-status" />} table={bucketTable(o?.byStatus ?? [], t('status'), t)} />
          </Card>
        </Col>
        <Col xs={24} xxl={12}>
          <Card size="small" title={t('byCategory')}>
            <ChartWithTable chart={<Chart option={categoryOption} label={t('byCategory')} testId="chart-category" />} table={bucketTable(o?.byCategory ?? [], t('category'), t)} />
          </Card>
        </Col>
        <Col xs={24} xxl={12}>
          <Card size="small" title={t('byCause')}>
            <ChartWithTable chart={<Chart option={causeOption} label={t('byCause')} className="chart-box tall" testId="chart-cause" />} table={bucketTable(o?.byCause ?? [], t('mainCause'), t)} />
          </Card>
        </Col>
        <Col xs={24} xxl={12}>
          <Card size="small" title={t('trends')}>
            <ChartWithTable
              chart={<Chart option={trendOption} label={t('trends')} testId="chart-trend" />}
              table={<Table size="small" rowKey="year" pagination={false} dataSource={yearRows} scroll={{ x: 360 }}
                columns={[
                  { title: t('year'), dataIndex: 'year', key: 'y' },
                  { title: t('identified'), dataIndex: 'ih', key: 'ih', align: 'right', render: fmtInt },
                  { title: t('identifiedPeople'), dataIndex: 'ip', key: 'ip', align: 'right', render: fmtInt },
                  { title: t('exited'), dataIndex: 'eh', key: 'eh', align: 'right', render: fmtInt },
                  { title: t('exitedPeopleYear'), dataIndex: 'ep', key: 'ep', align: 'right', render: fmtInt },
                ]} />}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

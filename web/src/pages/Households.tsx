import { DownloadOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { useDictionaries, useHouseholds, useRegions, type HouseholdQuery } from '../api/queries';
import type { HouseholdListItem } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { useI18n } from '../i18n';
import { fmtMoney, fmtTime, STATUS_COLORS } from '../lib/format';
import { notifySuccess, showError } from '../lib/notify';
import { regionPath } from '../lib/regions';

const SORTS = ['householdNumber', 'villageCode', 'identificationYear', 'povertyStatus', 'updatedAt', 'memberCount', 'perCapitaNet'] as const;
const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : undefined);

/** The query lives in the URL: shareable, survives reload and the login round trip. */
function useListQuery(): [HouseholdQuery, (patch: Partial<Record<keyof HouseholdQuery, unknown>>) => void] {
  const [params, setParams] = useSearchParams();
  const q: HouseholdQuery = {
    region: params.get('region') ?? undefined,
    status: list(params.get('status')),
    category: list(params.get('category')),
    cause: params.get('cause') ?? undefined,
    name: params.get('name') ?? undefined,
    idNumber: params.get('idNumber') ?? undefined,
    householdNumber: params.get('householdNumber') ?? undefined,
    page: Number(params.get('page') ?? 1) || 1,
    pageSize: Number(params.get('pageSize') ?? 20) || 20,
    sort: (SORTS as readonly string[]).includes(params.get('sort') ?? '') ? params.get('sort')! : undefined,
    order: params.get('order') === 'desc' ? 'desc' : params.get('order') === 'asc' ? 'asc' : undefined,
  };
  const update = (patch: Partial<Record<keyof HouseholdQuery, unknown>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) next.delete(k);
      else next.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    setParams(next);
  };
  return [q, update];
}

interface FilterValues {
  status?: string[];
  category?: string[];
  cause?: string;
  name?: string;
  idNumber?: string;
  householdNumber?: string;
}

export default function Households() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const [q, update] = useListQuery();
  const [form] = Form.useForm<FilterValues>();
  const dicts = useDictionaries();
  const regions = useRegions();
  const data = useHouseholds(q);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    form.setFieldsValue({ status: q.status, category: q.category, cause: q.cause, name: q.name, idNumber: q.idNumber, householdNumber: q.householdNumber });
  }, [form, q.status?.join(), q.category?.join(), q.cause, q.name, q.idNumber, q.householdNumber]); // eslint-disable-line react-hooks/exhaustive-deps

  const options = (name: string) => (dicts.data?.[name]?.entries ?? []).map((e) => ({ value: e.code, label: e.label }));
  const regionName = useMemo(() => regionPath(regions.data, q.region ?? me.regionCode).map((r) => r.name).join(' / '), [regions.data, q.region, me.regionCode]);

  const onSearch = (v: FilterValues) =>
    update({ ...v, name: v.name?.trim(), idNumber: v.idNumber?.trim(), householdNumber: v.householdNumber?.trim(), page: undefined });
  const onReset = () => {
    form.resetFields();
    update({ status: undefined, category: undefined, cause: undefined, name: undefined, idNumber: undefined, householdNumber: undefined, page: undefined });
  };

  const doExport = async () => {
    setExporting(true);
    try {
      const { page: _p, pageSize: _s, sort: _o, order: _r, ...filters } = q;
      await api.download('/api/exports/registry', { ...filters }, 'registry.xlsx');
      notifySuccess(t('exported'));
    } catch (e) {
      showError(e, '导出失败');
    } finally {
      setExporting(false);
    }
  };

  const sortOrder = (key: string) => (q.sort === key ? (q.order === 'desc' ? 'descend' : 'ascend') : null);
  const columns: ColumnsType<HouseholdListItem> = [
    {
      title: t('householdNumber'), dataIndex: 'householdNumber', key: 'householdNumber', sorter: true, sortOrder: sortOrder('householdNumber') ?? (q.sort ? null : 'ascend'), fixed: 'left', width: 170,
      render: (v: string, r) => <Link to={`/households/${r.id}`}>{v}</Link>,
    },
    { title: t('headName'), dataIndex: 'headName', key: 'headName', width: 90 },
    { title: t('idNumber'), dataIndex: 'headIdNumber', key: 'headIdNumber', width: 180, render: (v: string | null) => <span className="num">{v ?? '—'}</span> },
    {
      title: t('village'), dataIndex: 'villageName', key: 'villageCode', sorter: true, sortOrder: sortOrder('villageCode'), width: 230, ellipsis: true,
      render: (v: string | null, r) => (
        <span className="village-cell" title={[r.countyName, r.townshipName, v].filter(Boolean).join(' ')}>
          <Typography.Text type="secondary">{r.townshipName ?? ''}</Typography.Text> {v ?? r.villageCode}
        </span>
      ),
    },
    { title: t('category'), dataIndex: 'category', key: 'category', width: 120 },
    {
      title: t('status'), dataIndex: 'povertyStatus', key: 'povertyStatus', sorter: true, sortOrder: sortOrder('povertyStatus'), width: 100,
      render: (v: string) => <Tag color={STATUS_COLORS[v] ?? 'default'}>{v}</Tag>,
    },
    { title: t('identificationYear'), dataIndex: 'identificationYear', key: 'identificationYear', sorter: true, sortOrder: sortOrder('identificationYear'), width: 100 },
    { title: t('exitYear'), dataIndex: 'exitYear', key: 'exitYear', width: 90, render: (v: number | null) => v ?? '—' },
    { title: t('mainCause'), dataIndex: 'mainCause', key: 'mainCause', width: 110 },
    { title: t('memberCount'), dataIndex: 'memberCount', key: 'memberCount', sorter: true, sortOrder: sortOrder('memberCount'), width: 80, align: 'right' },
    {
      title: t('perCapitaNet'), dataIndex: 'perCapitaNet', key: 'perCapitaNet', sorter: true, sortOrder: sortOrder('perCapitaNet'), width: 150, align: 'right',
      render: (v: number | null, r) => <span className="num" title={r.incomeYear ? `${r.incomeYear}` : undefined}>{fmtMoney(v)}</span>,
    },
    { title: t('phone'), dataIndex: 'phone', key: 'phone', width: 130, render: (v: string | null) => <span className="num">{v ?? '—'}</span> },
    { title: t('updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', sorter: true, sortOrder: sortOrder('updatedAt'), width: 150, render: fmtTime },
  ];

  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('menuHouseholds')} <Typography.Text type="secondary" style={{ fontSize: 14 }}>{regionName}</Typography.Text></Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form form={form} layout="vertical" className="filter-form" onFinish={onSearch} name="household-filters">
          <Row gutter={12}>
            <Col xs={24} sm={12} md={8} xl={4}>
              <Form.Item name="status" label={t('status')}>
                <Select mode="multiple" allowClear options={options('povertyStatus')} placeholder={t('any')} maxTagCount="responsive" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} md={8} xl={4}>
              <Form.Item name="category" label={t('category')}>
                <Select mode="multiple" allowClear options={options('householdCategory')} placeholder={t('any')} maxTagCount="responsive" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} md={8} xl={4}>
              <Form.Item name="cause" label={t('cause')}>
                <Select allowClear showSearch options={options('povertyCause')} placeholder={t('any')} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={12} md={8} xl={3}>
              <Form.Item name="name" label={t('name')}><Input allowClear maxLength={40} /></Form.Item>
            </Col>
            <Col xs={12} sm={12} md={8} xl={4}>
              <Form.Item name="idNumber" label={t('idNumber')}><Input allowClear maxLength={30} /></Form.Item>
            </Col>
            <Col xs={24} sm={12} md={8} xl={5}>
              <Form.Item name="householdNumber" label={t('householdNumber')}><Input allowClear maxLength={40} /></Form.Item>
            </Col>
          </Row>
          <Space wrap>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="search">{t('search')}</Button>
            <Button onClick={onReset} icon={<ReloadOutlined />}>{t('reset')}</Button>
            {can(me, 'registry.export') && (
              <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void doExport()} data-testid="export">{exporting ? t('exporting') : t('export')}</Button>
            )}
          </Space>
        </Form>
      </Card>
      <Card size="small">
        <Table<HouseholdListItem>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={data.data?.items ?? []}
          loading={data.isFetching}
          scroll={{ x: 1500 }}
          sticky
          pagination={{
            current: q.page, pageSize: q.pageSize, total: data.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
            showTotal: (n) => <span data-testid="list-total">{t(data.data?.totalExact === false ? 'totalHouseholdsMore' : 'totalHouseholds', { n: n.toLocaleString('zh-CN') })}</span>,
            responsive: true,
          }}
          onChange={(p, _f, s) => {
            const sorter = (Array.isArray(s) ? s[0] : s) as SorterResult<HouseholdListItem> | undefined;
            const key = sorter?.order ? String(sorter.columnKey) : undefined;
            update({
              page: p.current === 1 ? undefined : p.current,
              pageSize: p.pageSize === 20 ? undefined : p.pageSize,
              sort: key,
              order: key ? (sorter?.order === 'descend' ? 'desc' : 'asc') : undefined,
            });
          }}
          footer={() => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('maskedNote')}</Typography.Text>}
        />
      </Card>
    </div>
  );
}

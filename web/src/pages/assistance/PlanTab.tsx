import { CheckOutlined, EditOutlined, PlusOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Form, Input, InputNumber, Modal, Row, Segmented, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { assistanceKeys, usePairings, usePlan, usePlans, type Catalog, type MeasureView, type PlanDetail } from '../../api/assistance';
import { api } from '../../api/client';
import type { HouseholdView } from '../../api/types';
import { can, useCurrentUser } from '../../auth';
import { PageLoading } from '../../components/PageLoading';
import { useSaveError } from '../../components/useSaveError';
import { useI18n } from '../../i18n';
import { fmtMoney, fmtTime } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { MeasureBlock } from '../Catalog';
import { MEASURE_STATUS_COLORS, MeasurePicker } from './shared';

type Values = Record<string, unknown>;

const ACTION_LABELS: Record<string, string> = {
  create: '新建', update: '修改', update_reopen: '修改（退回草稿，需重新审核）', approve: '审核通过', copy: '以上年计划为底稿', propose: '评估提出',
};

/** 一户一策 editor: the year's plan (goals, helper, measures with money by source, status, review, history). */
export function PlanTab({ hh, catalog, planYear, onYear }: { hh: HouseholdView; catalog: Catalog | undefined; planYear: number | null; onYear: (y: number) => void }) {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const plans = usePlans(hh.id);
  const pairings = usePairings(hh.id);
  const selected = useMemo(() => {
    const items = plans.data ?? [];
    return items.find((p) => p.year === planYear) ?? items[0];
  }, [plans.data, planYear]);
  const plan = usePlan(selected?.id);
  const [goalsOpen, setGoalsOpen] = useState(false);
  const [newOpen, setNewOpen] = useState(false);
  const [measure, setMeasure] = useState<MeasureView | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [gForm] = Form.useForm<Values>();
  const [nForm] = Form.useForm<Values>();
  const [mForm] = Form.useForm<Values>();
  const writable = can(me, 'assistance.write') && hh.povertyStatus !== '已剔除';
  const pickedCode = Form.useWatch('measureCode', mForm) as string | undefined;
  const picked = catalog?.measures.find((m) => m.code === pickedCode);

  const refresh = useCallback(async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: assistanceKeys.plans(hh.id) }),
      qc.invalidateQueries({ queryKey: ['plan'] }),
      qc.invalidateQueries({ queryKey: assistanceKeys.summary(hh.id) }),
    ]);
  }, [qc, hh.id]);
  const reload = useCallback(async () => {
    setGoalsOpen(false);
    setMeasure(null);
    await refresh();
    notifySuccess(t('reloaded'));
  }, [refresh, t]);
  const onSaveError = useSaveError(reload);

  if (plans.isPending) return <PageLoading />;
  const p: PlanDetail | undefined = plan.data;
  const dims = catalog?.dimensions ?? [];
  const sources = catalog?.fundingSources ?? [];
  const statuses = catalog?.measureStatuses ?? [];
  const cadreOptions = [...new Map((pairings.data ?? []).filter((x) => x.active).map((x) => [x.cadreId, { value: x.cadreId, label: `${x.cadreName ?? ''}（${x.cadreUnit ?? ''}）` }])).values()];
  if (p?.responsibleCadreId && !cadreOptions.some((o) => o.value === p.responsibleCadreId)) cadreOptions.push({ value: p.responsibleCadreId, label: p.responsibleCadreName ?? p.responsibleCadreId });
  const members = hh.members.filter((m) => !m.leftAt);
  const lastYear = plans.data?.[0]?.year;

  const save = async (fn: () => Promise<unknown>, form?: Parameters<typeof onSaveError>[1], after?: () => void) => {
    setBusy(true);
    try {
      await fn();
      after?.();
      await refresh();
      notifySuccess(t('saved'));
    } catch (e) {
      onSaveError(e, form);
    } finally {
      setBusy(false);
    }
  };

  const createPlan = async () => {
    const v = await nForm.validateFields().catch(() => null);
    if (!v) return;
    await save(() => api.post(`/api/households/${hh.id}/plans`, { year: v.year, copyPrevious: v.copyPrevious }), nForm, () => {
      setNewOpen(false);
      onYear(v.year as number);
    });
  };

  const openGoals = () => {
    if (!p) return;
    gForm.setFieldsValue({ incomeTarget: p.incomeTarget, closeDimensions: p.closeDimensions, responsibleCadreId: p.responsibleCadreId, notes: p.notes, reason: undefined });
    setGoalsOpen(true);
  };
  const saveGoals = async () => {
    const v = await gForm.validateFields().catch(() => null);
    if (!v || !p) return;
    await save(() => api.patch(`/api/plans/${p.id}`, {
      version: p.version, incomeTarget: v.incomeTarget ?? null, closeDimensions: v.closeDimensions ?? [], responsibleCadreId: v.responsibleCadreId ?? null,
      notes: (v.notes as string | undefined)?.trim() || null, reason: (v.reason as string | undefined)?.trim() || undefined,
    }), gForm, () => setGoalsOpen(false));
  };

  const approve = () => {
    if (!p) return;
    let comment = '';
    modal.confirm({
      title: t('approvePlan'),
      content: <Input.TextArea rows={2} maxLength={500} placeholder={t('approveComment')} onChange={(e) => { comment = e.target.value; }} aria-label={t('approveComment')} />,
      okText: t('approve'),
      cancelText: t('cancel'),
      onOk: () => save(() => api.post(`/api/plans/${p.id}/approve`, { version: p.version, comment: comment.trim() || null })),
    });
  };

  const openMeasure = (m: MeasureView | 'new') => {
    mForm.resetFields();
    if (m === 'new') mForm.setFieldsValue({ status: 'planned' });
    else mForm.setFieldsValue({ measureCode: m.measureCode, description: m.description, memberId: m.memberId, status: m.status, ...Object.fromEntries(Object.entries(m.funding).map(([k, v]) => [`f_${k}`, v])) });
    setMeasure(m);
  };
  const saveMeasure = async () => {
    const v = await mForm.validateFields().catch(() => null);
    if (!v || !p || !measure) return;
    const funding = Object.fromEntries(sources.map((s) => [s.code, v[`f_${s.code}`] as number | null | undefined]).filter(([, x]) => typeof x === 'number' && x > 0));
    const body = { measureCode: v.measureCode, description: (v.description as string | undefined)?.trim() || null, memberId: v.memberId ?? null, funding, status: v.status };
    await save(
      () => (measure === 'new' ? api.post(`/api/plans/${p.id}/measures`, body) : api.patch(`/api/plans/${p.id}/measures/${measure.id}`, { ...body, version: measure.version })),
      mForm, () => setMeasure(null),
    );
  };

  const columns: ColumnsType<MeasureView> = [
    { title: t('measure'), key: 'title', render: (_, m) => <Space direction="vertical" size={0}><b>{m.title ?? m.measureCode}</b><Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.action}</Typography.Text></Space> },
    { title: t('clause'), dataIndex: 'clause', key: 'clause', width: 90, render: (v) => <Tag color="volcano">{v}</Tag> },
    { title: t('beneficiary'), dataIndex: 'memberName', key: 'member', width: 90, render: (v) => v ?? t('wholeHousehold') },
    { title: t('money'), key: 'money', width: 160, render: (_, m) => <span className="num">{fmtMoney(m.amountTotal)}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{Object.entries(m.funding).map(([k, v]) => `${sources.find((s) => s.code === k)?.label ?? k} ${fmtMoney(v)}`).join('；')}</Typography.Text></span> },
    { title: t('itemStatus'), dataIndex: 'status', key: 'status', width: 100, render: (v: string) => <Tag color={MEASURE_STATUS_COLORS[v]}>{statuses.find((s) => s.code === v)?.label ?? v}</Tag> },
    ...(writable ? [{ title: t('actions'), key: 'a', width: 64, render: (_: unknown, m: MeasureView) => <Button size="small" type="link" icon={<EditOutlined />} onClick={() => openMeasure(m)} aria-label={`${t('editMeasure')} ${m.title ?? ''}`} /> }] : []),
  ];

  return (
    <div data-testid="plan-tab">
      <Space wrap style={{ marginBottom: 12 }}>
        {(plans.data ?? []).length > 0 && (
          <Segmented value={selected?.year} onChange={(y) => onYear(Number(y))} options={(plans.data ?? []).map((x) => ({ value: x.year, label: `${x.year}` }))} data-testid="plan-years" />
        )}
        {writable && <Button icon={<PlusOutlined />} onClick={() => { nForm.setFieldsValue({ year: lastYear ? lastYear + 1 : new Date().getFullYear(), copyPrevious: true }); setNewOpen(true); }} data-testid="new-plan">{t('newPlan')}</Button>}
        {p && <Link to={`/plans/${p.id}/print`}><Button icon={<PrinterOutlined />}>{t('printPlan')}</Button></Link>}
      </Space>
      {!selected ? <Empty description={t('noPlan')} /> : !p ? <PageLoading /> : (
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={16}>
            <Card size="small" title={<Space wrap>{t('planOf', { y: p.year })}<Tag color={p.status === 'approved' ? 'green' : 'orange'} data-testid="plan-status">{p.status === 'approved' ? t('approved') : t('draft')}</Tag></Space>}
              extra={<Space>
                {writable && <Button size="small" icon={<EditOutlined />} onClick={openGoals} data-testid="edit-goals">{t('editGoals')}</Button>}
                {can(me, 'assistance.approve') && p.status !== 'approved' && <Button size="small" type="primary" icon={<CheckOutlined />} onClick={approve} data-testid="approve-plan">{t('approve')}</Button>}
              </Space>} style={{ marginBottom: 12 }}>
              <Descriptions size="small" column={{ xs: 1, sm: 2 }} data-testid="plan-goals">
                <Descriptions.Item label={t('incomeTarget')}><span className="num">{p.incomeTarget === null ? '—' : `${fmtMoney(p.incomeTarget)} 元/人`}</span></Descriptions.Item>
                <Descriptions.Item label={t('responsibleHelper')}>{p.responsibleCadreName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('closeDimensions')} span={2}>
                  {p.closeDimensions.length ? p.closeDimensions.map((d) => <Tag key={d}>{dims.find((x) => x.dimension === d)?.title ?? d}</Tag>) : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('notes')} span={2}>{p.notes ?? '—'}</Descriptions.Item>
                {p.copiedFromId && <Descriptions.Item label={t('copiedFrom')} span={2}>{t('copiedFromNote')}</Descriptions.Item>}
                {p.approvedAt && <Descriptions.Item label={t('review')} span={2}>{p.approvedByName} · {fmtTime(p.approvedAt)}{p.approvalComment ? ` · ${p.approvalComment}` : ''}</Descriptions.Item>}
              </Descriptions>
            </Card>
            <Card size="small" title={`${t('measures')}（${p.measures.length}）`} extra={writable && <Button size="small" icon={<PlusOutlined />} onClick={() => openMeasure('new')} data-testid="add-measure">{t('addMeasure')}</Button>} style={{ marginBottom: 12 }}>
              <Table<MeasureView> rowKey="id" size="small" columns={columns} dataSource={p.measures} pagination={false} scroll={{ x: 720 }} data-testid="plan-measures" />
            </Card>
            <Card size="small" title={t('moneyBySource')}>
              <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} data-testid="plan-totals">
                {Object.entries(p.totals.bySource).map(([k, v]) => <Descriptions.Item key={k} label={sources.find((s) => s.code === k)?.label ?? k}><span className="num">{fmtMoney(v)}</span></Descriptions.Item>)}
                <Descriptions.Item label={t('total')}><b className="num" data-testid="plan-total">{fmtMoney(p.totals.total)}</b></Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card size="small" title={t('planHistory')}>
              <Timeline items={p.history.slice(0, 30).map((e) => ({
                children: <div style={{ fontSize: 12 }}><b>{e.username ?? '—'}</b> · {fmtTime(e.at)}<br />{t(`ev_${e.entity}` as 'ev_plan')} · {ACTION_LABELS[e.action] ?? e.action}{e.reason ? `（${e.reason}）` : ''}</div>,
              }))} />
            </Card>
          </Col>
        </Row>
      )}

      <Modal open={newOpen} title={t('newPlan')} onCancel={() => setNewOpen(false)} onOk={() => void createPlan()} okText={t('save')} cancelText={t('cancel')} confirmLoading={busy} forceRender>
        <Form form={nForm} layout="vertical" name="new-plan">
          <Form.Item name="year" label={t('planYear')} rules={[{ required: true, message: t('required') }]}><InputNumber min={2014} max={2100} precision={0} style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="copyPrevious" valuePropName="checked"><Checkbox>{t('copyPrevious')}</Checkbox></Form.Item>
        </Form>
      </Modal>

      <Modal open={goalsOpen} title={t('editGoals')} onCancel={() => setGoalsOpen(false)} onOk={() => void saveGoals()} okText={t('save')} cancelText={t('cancel')} confirmLoading={busy} width={640} forceRender>
        <Form form={gForm} layout="vertical" name="plan-goals">
          {p?.status === 'approved' && <Alert type="warning" showIcon message={t('approvedEditNote')} style={{ marginBottom: 12 }} />}
          <Form.Item name="incomeTarget" label={`${t('incomeTarget')}（元/人）`}><InputNumber min={0} precision={2} style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="closeDimensions" label={t('closeDimensions')}><Checkbox.Group options={dims.map((d) => ({ value: d.dimension, label: d.title }))} /></Form.Item>
          <Form.Item name="responsibleCadreId" label={t('responsibleHelper')} extra={cadreOptions.length ? undefined : t('noPairedHelper')}><Select allowClear options={cadreOptions} /></Form.Item>
          <Form.Item name="notes" label={t('notes')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
          <Form.Item name="reason" label={t('reason')}><Input maxLength={500} /></Form.Item>
        </Form>
      </Modal>

      <Modal open={measure !== null} title={measure === 'new' ? t('addMeasure') : t('editMeasure')} onCancel={() => setMeasure(null)} onOk={() => void saveMeasure()} okText={t('save')} cancelText={t('cancel')}
        confirmLoading={busy} width={760} forceRender>
        <Form form={mForm} layout="vertical" name="plan-measure">
          <Form.Item name="measureCode" label={t('measure')} rules={[{ required: true, message: t('required') }]}><MeasurePicker catalog={catalog} /></Form.Item>
          {picked && <Card size="small" style={{ marginBottom: 12, background: '#fffaf8' }}><MeasureBlock m={picked} /></Card>}
          <Row gutter={12}>
            <Col xs={24} sm={12}><Form.Item name="memberId" label={t('beneficiary')}><Select allowClear placeholder={t('wholeHousehold')} options={members.map((m) => ({ value: m.id, label: `${m.name}（${m.relation}）` }))} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item name="status" label={t('itemStatus')}><Select options={statuses.map((s) => ({ value: s.code, label: s.label }))} /></Form.Item></Col>
          </Row>
          <Form.Item name="description" label={t('description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
          <Typography.Text strong>{t('moneyBySource')}（元）</Typography.Text>
          <Row gutter={12} style={{ marginTop: 8 }}>
            {sources.map((s) => (
              <Col xs={12} sm={8} key={s.code}>
                <Form.Item name={`f_${s.code}`} label={s.label} style={{ marginBottom: 8 }}><InputNumber min={0} precision={2} style={{ width: '100%' }} aria-label={s.label} /></Form.Item>
              </Col>
            ))}
          </Row>
        </Form>
      </Modal>
    </div>
  );
}

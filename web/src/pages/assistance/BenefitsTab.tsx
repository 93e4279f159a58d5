import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Modal, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import { assistanceKeys, useBenefits, type BenefitView, type Catalog, type IncomeBreakdown } from '../../api/assistance';
import { api } from '../../api/client';
import type { HouseholdView } from '../../api/types';
import { can, useCurrentUser } from '../../auth';
import { PageLoading } from '../../components/PageLoading';
import { useSaveError } from '../../components/useSaveError';
import { useI18n } from '../../i18n';
import { fmtMoney } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { MeasurePicker } from './shared';

type Values = Record<string, unknown>;

const LINES = [['wage', '工资性收入'], ['business', '生产经营性收入'], ['property', '财产性收入'], ['transfer', '转移性收入']] as const;

function IncomeYearCard({ b }: { b: IncomeBreakdown }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('incomeYearOf', { y: b.year })} data-testid={`income-${b.year}`} style={{ height: '100%' }}>
      <Row gutter={12}>
        <Col span={12}><Statistic title={t('declaredPerCapita')} value={b.declared?.perCapitaNet ?? '—'} precision={2} /></Col>
        <Col span={12}><Statistic title={t('perCapitaWithLedger')} value={b.perCapitaNet ?? '—'} precision={2} valueStyle={{ color: '#c0392b' }} /></Col>
      </Row>
      <Descriptions size="small" column={2} style={{ marginTop: 8 }}>
        {LINES.map(([k, label]) => <Descriptions.Item key={k} label={label}><span className="num">+{fmtMoney(b.benefits[k])}</span></Descriptions.Item>)}
        <Descriptions.Item label={t('householdSize')}>{b.householdSize}</Descriptions.Item>
        <Descriptions.Item label={t('notIncome')}><span className="num">{fmtMoney(b.notIncome)}</span></Descriptions.Item>
        <Descriptions.Item label={t('alreadyDeclared')}><span className="num">{fmtMoney(b.alreadyDeclared)}</span></Descriptions.Item>
      </Descriptions>
      {b.stale && <Tag color="orange">{t('staleIncome')}</Tag>}
    </Card>
  );
}

/** 享受政策 ledger per household and member: entries, and the year's income recomputed from them. */
export function BenefitsTab({ hh, catalog }: { hh: HouseholdView; catalog: Catalog | undefined }) {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const b = useBenefits(hh.id);
  const [edit, setEdit] = useState<BenefitView | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [member, setMember] = useState<string | undefined>();
  const [form] = Form.useForm<Values>();
  const writable = can(me, 'assistance.write') && hh.povertyStatus !== '已剔除';
  const refresh = useCallback(async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: assistanceKeys.benefits(hh.id) }), qc.invalidateQueries({ queryKey: ['household', hh.id] })]);
  }, [qc, hh.id]);
  const reload = useCallback(async () => {
    setEdit(null);
    await refresh();
    notifySuccess(t('reloaded'));
  }, [refresh, t]);
  const onSaveError = useSaveError(reload);
  if (b.isPending) return <PageLoading />;
  const members = hh.members.filter((m) => !m.leftAt);
  const items = (b.data?.items ?? []).filter((x) => !member || x.memberId === member);

  const open = (x: BenefitView | 'new') => {
    form.resetFields();
    if (x === 'new') form.setFieldsValue({ paidOn: dayjs(), includedInDeclared: false });
    else form.setFieldsValue({ measureCode: x.measureCode, memberId: x.memberId, amount: x.amount, paidOn: dayjs(x.paidOn), year: x.year, department: x.department, note: x.note, includedInDeclared: x.includedInDeclared });
    setEdit(x);
  };
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !edit) return;
    const body = {
      measureCode: v.measureCode, memberId: v.memberId ?? null, amount: v.amount, paidOn: (v.paidOn as dayjs.Dayjs).format('YYYY-MM-DD'),
      year: v.year ?? undefined, department: (v.department as string).trim(), note: (v.note as string | undefined)?.trim() || null, includedInDeclared: !!v.includedInDeclared,
    };
    setBusy(true);
    try {
      const r = edit === 'new'
        ? await api.post<{ income: IncomeBreakdown }>(`/api/households/${hh.id}/benefits`, body)
        : await api.patch<{ incomes: IncomeBreakdown[] }>(`/api/households/${hh.id}/benefits/${edit.id}`, { ...body, version: edit.version });
      const inc = 'income' in r ? r.income : r.incomes[r.incomes.length - 1];
      setEdit(null);
      await refresh();
      notifySuccess(inc ? t('benefitSaved', { y: inc.year, v: fmtMoney(inc.perCapitaNet) }) : t('saved'));
    } catch (e) {
      onSaveError(e, form);
    } finally {
      setBusy(false);
    }
  };
  const voidIt = (x: BenefitView) => {
    let reason = '';
    modal.confirm({
      title: t('voidBenefit'),
      content: <Input.TextArea rows={2} maxLength={500} placeholder={t('voidReason')} aria-label={t('voidReason')} onChange={(e) => { reason = e.target.value; }} />,
      okText: t('void'), okButtonProps: { danger: true }, cancelText: t('cancel'),
      onOk: async () => {
        try {
          await api.del(`/api/households/${hh.id}/benefits/${x.id}`, { version: x.version, reason });
          await refresh();
          notifySuccess(t('saved'));
        } catch (e) {
          onSaveError(e);
          throw e;
        }
      },
    });
  };

  const columns: ColumnsType<BenefitView> = [
    { title: t('paidOn'), dataIndex: 'paidOn', key: 'paidOn', width: 104 },
    { title: t('measure'), key: 'measure', render: (_, x) => <Space direction="vertical" size={0}><span>{x.measureTitle ?? x.measureCode} <Tag color="volcano">{x.clause}</Tag></span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{x.incomeLineLabel}</Typography.Text></Space> },
    { title: t('beneficiary'), dataIndex: 'memberName', key: 'member', width: 90, render: (v) => v ?? t('wholeHousehold') },
    { title: t('amount'), dataIndex: 'amount', key: 'amount', width: 110, align: 'right', render: (v: number, x) => <span className="num" style={x.voidedAt ? { textDecoration: 'line-through', color: '#999' } : undefined}>{fmtMoney(v)}</span> },
    { title: t('incomeYearShort'), dataIndex: 'year', key: 'year', width: 70 },
    { title: t('department'), dataIndex: 'department', key: 'department', width: 120 },
    { title: t('itemStatus'), key: 'st', width: 110, render: (_, x) => (x.voidedAt ? <Tag>{t('voided')}：{x.voidReason}</Tag> : x.includedInDeclared ? <Tag color="blue">{t('alreadyDeclared')}</Tag> : <Tag color="green">{t('counted')}</Tag>) },
    ...(writable ? [{
      title: t('actions'), key: 'a', width: 90, render: (_: unknown, x: BenefitView) => x.voidedAt ? null : (
        <Space size={0}>
          <Button size="small" type="link" icon={<EditOutlined />} onClick={() => open(x)} aria-label={`${t('edit')} ${x.measureTitle ?? ''}`} />
          <Button size="small" type="link" danger icon={<DeleteOutlined />} onClick={() => voidIt(x)} aria-label={`${t('void')} ${x.measureTitle ?? ''}`} />
        </Space>
      ),
    }] : []),
  ];

  return (
    <div data-testid="benefits-tab">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{b.data?.rule}</Typography.Paragraph>
      {(b.data?.incomes ?? []).length > 0 && (
        <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
          {b.data!.incomes.slice(0, 3).map((i) => <Col xs={24} md={12} xl={8} key={i.year}><IncomeYearCard b={i} /></Col>)}
        </Row>
      )}
      <Card size="small" title={t('benefitLedger')} extra={<Space wrap>
        <Select allowClear placeholder={t('allMembers')} style={{ width: 150 }} value={member} onChange={setMember} options={hh.members.map((m) => ({ value: m.id, label: m.name }))} aria-label={t('beneficiary')} />
        {writable && <Button size="small" type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="add-benefit">{t('addBenefit')}</Button>}
      </Space>}>
        {items.length ? <Table<BenefitView> rowKey="id" size="small" columns={columns} dataSource={items} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 860 }} data-testid="benefit-table" /> : <Empty description={t('noBenefits')} />}
      </Card>

      <Modal open={edit !== null} title={edit === 'new' ? t('addBenefit') : t('editBenefit')} onCancel={() => setEdit(null)} onOk={() => void save()} okText={t('save')} cancelText={t('cancel')} confirmLoading={busy} width={720} forceRender>
        <Form form={form} layout="vertical" name="benefit-edit">
          <Form.Item name="measureCode" label={t('measure')} rules={[{ required: true, message: t('required') }]}><MeasurePicker catalog={catalog} /></Form.Item>
          <Row gutter={12}>
            <Col xs={24} sm={12}><Form.Item name="memberId" label={t('beneficiary')}><Select allowClear placeholder={t('wholeHousehold')} options={members.map((m) => ({ value: m.id, label: `${m.name}（${m.relation}）` }))} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item name="amount" label={`${t('amount')}（元）`} rules={[{ required: true, message: t('required') }]}><InputNumber min={0.01} precision={2} style={{ width: '100%' }} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item name="paidOn" label={t('paidOn')} rules={[{ required: true, message: t('required') }]}><DatePicker style={{ width: '100%' }} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item name="year" label={t('incomeYearShort')} extra={t('incomeYearHint')}><InputNumber min={2014} max={2100} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item name="department" label={t('department')} rules={[{ required: true, whitespace: true, message: t('required') }]}><Input maxLength={100} /></Form.Item></Col>
            <Col xs={24} sm={12}><Form.Item name="includedInDeclared" valuePropName="checked" label=" "><Checkbox>{t('includedInDeclared')}</Checkbox></Form.Item></Col>
          </Row>
          <Form.Item name="note" label={t('notes')}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

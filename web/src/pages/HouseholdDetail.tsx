import { DeleteOutlined, EditOutlined, EyeOutlined, PlusOutlined, PrinterOutlined, UserDeleteOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Form, Input, Modal, Result, Row, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../api/client';
import { keys, useDictionaries, useEvents, useFields, useHousehold, useRegions } from '../api/queries';
import type { HouseholdView, IncomeView, MemberView } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { EventTimeline } from '../components/EventTimeline';
import { HouseholdReviewCard } from './review/HouseholdReviewCard';
import { FieldInput, fieldRules } from '../components/FieldInput';
import { MemberForm, type MemberFormValues } from '../components/MemberForm';
import { PageLoading } from '../components/PageLoading';
import { useSaveError } from '../components/useSaveError';
import { useI18n } from '../i18n';
import { AssistanceBrief } from './assistance/AssistanceBrief';
import { fmtMoney, fmtTime, STATUS_COLORS, yesNo } from '../lib/format';
import { notifySuccess } from '../lib/notify';

type Values = Record<string, unknown>;

/** The fields whose value differs from the household as loaded (a partial PATCH). */
function changed(original: Values, next: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(next)) {
    const a = original[k] ?? null;
    const b = v === undefined || v === '' ? null : v;
    if (JSON.stringify(a) !== JSON.stringify(b)) out[k] = b;
  }
  return out;
}

export default function HouseholdDetail() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { modal } = App.useApp();
  const [unmasked, setUnmasked] = useState(false);
  const h = useHousehold(id, unmasked);
  const events = useEvents(id);
  const fields = useFields();
  const dicts = useDictionaries();
  const regions = useRegions();
  const [editing, setEditing] = useState(false);
  const [memberEdit, setMemberEdit] = useState<MemberView | 'new' | null>(null);
  const [incomeEdit, setIncomeEdit] = useState<IncomeView | 'new' | null>(null);
  const [saving, setSaving] = useState<'household' | 'member' | 'income' | 'remove' | null>(null);
  const [removing, setRemoving] = useState(false);
  const [rForm] = Form.useForm<{ reason: string }>();
  const [hForm] = Form.useForm<Values>();
  const [mForm] = Form.useForm<MemberFormValues>();
  const [iForm] = Form.useForm<Values>();
  const writable = can(me, 'registry.write') && h.data?.povertyStatus !== '已剔除';

  const reload = useCallback(async () => {
    setEditing(false);
    setMemberEdit(null);
    setIncomeEdit(null);
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['household', id] }),
      qc.invalidateQueries({ queryKey: keys.events(id) }),
    ]);
    notifySuccess(t('reloaded'));
  }, [qc, id, t]);
  const onSaveError = useSaveError(reload);

  const afterSave = async (view: HouseholdView) => {
    qc.setQueryData(keys.household(id, false), view);
    await qc.invalidateQueries({ queryKey: keys.events(id) });
    void qc.invalidateQueries({ queryKey: ['households'] });
    void qc.invalidateQueries({ queryKey: ['stats'] });
    if (unmasked) void qc.invalidateQueries({ queryKey: keys.household(id, true) });
    notifySuccess(t('saved'));
  };

  const villages = useMemo(
    () => (regions.data ?? []).filter((r) => r.level === 'village' && h.data && r.code.startsWith(h.data.countyCode)).map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` })),
    [regions.data, h.data],
  );

  if (h.isPending) return <PageLoading />;
  if (h.error) {
    const status = h.error instanceof ApiError && h.error.status === 404 ? '404' : 'error';
    return <Result status={status} title={h.error.message} extra={<Button onClick={() => navigate('/households')}>{t('menuHouseholds')}</Button>} />;
  }
  const hh = h.data;
  const hFields = (fields.data?.household ?? []).filter((f) => f.key !== 'householdNumber');
  const mFields = fields.data?.member ?? [];
  const incomeFields = fields.data?.income ?? [];
  const head = hh.members.find((m) => m.relation === '户主' && !m.leftAt);

  // ---- household edit
  const openEdit = () => {
    hForm.resetFields();
    hForm.setFieldsValue({ ...(hh as unknown as Values), reason: undefined });
    setEditing(true);
  };
  const saveHousehold = async () => {
    const v = await hForm.validateFields().catch(() => null);
    if (!v) return; // the form shows what is wrong
    const { reason, ...rest } = v;
    const diff = changed(hh as unknown as Values, Object.fromEntries(Object.entries(rest).filter(([k]) => hFields.some((f) => f.key === k))));
    if (!Object.keys(diff).length) {
      setEditing(false);
      return;
    }
    setSaving('household');
    try {
      const view = await api.patch<HouseholdView>(`/api/households/${id}`, { version: hh.version, household: diff, reason: (reason as string | undefined)?.trim() || undefined });
      setEditing(false);
      await afterSave(view);
    } catch (e) {
      onSaveError(e, hForm);
    } finally {
      setSaving(null);
    }
  };

  // ---- 剔除 (removal with a reason; the record stays)
  const openRemove = () => {
    rForm.resetFields();
    setRemoving(true);
  };
  const saveRemove = async () => {
    const v = await rForm.validateFields().catch(() => null);
    if (!v) return; // the form shows what is wrong
    setSaving('remove');
    try {
      const view = await api.del<HouseholdView>(`/api/households/${id}`, { version: hh.version, reason: v.reason.trim() });
      setRemoving(false);
      qc.setQueryData(keys.household(id, false), view);
      await qc.invalidateQueries({ queryKey: keys.events(id) });
      void qc.invalidateQueries({ queryKey: ['households'] });
      void qc.invalidateQueries({ queryKey: ['stats'] });
      notifySuccess(t('removedOk'));
    } catch (e) {
      if (e instanceof ApiError && e.isStale) setRemoving(false);
      onSaveError(e, rForm);
    } finally {
      setSaving(null);
    }
  };

  // ---- members
  const openMember = (m: MemberView | 'new') => {
    mForm.resetFields();
    if (m !== 'new') mForm.setFieldsValue({ ...(m as unknown as Values) });
    setMemberEdit(m);
  };
  const saveMember = async () => {
    const v = await mForm.validateFields().catch(() => null);
    if (!v) return; // the form shows what is wrong
    const { sex: _s, birthDate: _b, ...member } = v;
    setSaving('member');
    try {
      let view: HouseholdView;
      if (memberEdit === 'new') {
        view = await api.post<HouseholdView>(`/api/households/${id}/members`, { version: hh.version, member: changed({}, member) });
      } else if (memberEdit) {
        const diff = changed(memberEdit as unknown as Values, member);
        if (!Object.keys(diff).length) {
          setMemberEdit(null);
          return;
        }
        view = await api.patch<HouseholdView>(`/api/households/${id}/members/${memberEdit.id}`, { version: memberEdit.version, member: diff });
      } else return;
      setMemberEdit(null);
      await afterSave(view);
    } catch (e) {
      onSaveError(e, mForm);
    } finally {
      setSaving(null);
    }
  };
  const removeMember = (m: MemberView) => {
    let reason = '';
    modal.confirm({
      title: `${t('removeMember')}：${m.name}`,
      content: (
        <div>
          <p>{t('removeMemberConfirm')}</p>
          <Input.TextArea rows={2} maxLength={500} onChange={(e) => (reason = e.target.value)} aria-label={t('reason')} />
        </div>
      ),
      okButtonProps: { danger: true },
      onOk: async () => {
        if (reason.trim().length < 2) {
          modal.warning({ title: t('removeReasonRequired') });
          throw new Error('reason');
        }
        try {
          const view = await api.del<HouseholdView>(`/api/households/${id}/members/${m.id}`, { version: m.version, reason: reason.trim() });
          await afterSave(view);
        } catch (e) {
          onSaveError(e);
        }
      },
    });
  };

  // ---- income
  const openIncome = (i: IncomeView | 'new') => {
    iForm.resetFields();
    iForm.setFieldsValue(i === 'new' ? { year: new Date().getFullYear() - 1 } : { ...(i as unknown as Values) });
    setIncomeEdit(i);
  };
  const saveIncome = async () => {
    const v = await iForm.validateFields().catch(() => null);
    if (!v) return; // the form shows what is wrong
    const income = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null && x !== ''));
    setSaving('income');
    try {
      const view = await api.patch<HouseholdView>(`/api/households/${id}`, { version: hh.version, income });
      setIncomeEdit(null);
      await afterSave(view);
    } catch (e) {
      onSaveError(e, iForm);
    } finally {
      setSaving(null);
    }
  };


  const memberColumns: ColumnsType<MemberView> = [
    { title: t('name'), dataIndex: 'name', key: 'name', fixed: 'left', width: 90, render: (v: string, m) => <span>{v}{m.leftAt && <Tag style={{ marginInlineStart: 4 }}>{t('left')}</Tag>}</span> },
    { title: t('relation'), dataIndex: 'relation', key: 'relation', width: 90 },
    { title: t('idNumber'), dataIndex: 'idNumber', key: 'idNumber', width: 180, render: (v: string) => <span className="num">{v}</span> },
    { title: t('sex'), dataIndex: 'sex', key: 'sex', width: 56 },
    { title: t('age'), dataIndex: 'age', key: 'age', width: 56, align: 'right' },
    { title: '健康状况', dataIndex: 'health', key: 'health', width: 100, render: (v) => v ?? '—' },
    { title: '劳动技能', dataIndex: 'labourSkill', key: 'labourSkill', width: 130, render: (v) => v ?? '—' },
    { title: '在校生状况', dataIndex: 'schoolStatus', key: 'schoolStatus', width: 100, render: (v) => v ?? '—' },
    { title: '医保', dataIndex: 'medicalInsurance', key: 'medicalInsurance', width: 60, render: (v) => yesNo(v) },
    ...(writable
      ? [{
        title: t('actions'), key: 'actions', width: 120, fixed: 'right' as const,
        render: (_: unknown, m: MemberView) => m.leftAt ? null : (
          <Space size={0}>
            <Button size="small" type="link" icon={<EditOutlined />} onClick={() => openMember(m)} aria-label={`${t('editMember')} ${m.name}`} data-testid={`edit-member-${m.id}`} />
            {m.relation !== '户主' && <Button size="small" type="link" danger icon={<UserDeleteOutlined />} onClick={() => removeMember(m)} aria-label={`${t('removeMember')} ${m.name}`} />}
          </Space>
        ),
      }]
      : []),
  ];

  const incomeColumns: ColumnsType<IncomeView> = [
    { title: t('year'), dataIndex: 'year', key: 'year', width: 64, fixed: 'left' },
    { title: t('perCapitaNet'), dataIndex: 'perCapitaNet', key: 'perCapitaNet', align: 'right', width: 130, render: (v: number | null) => <b className="num">{fmtMoney(v)}</b> },
    { title: t('householdSize'), dataIndex: 'householdSize', key: 'householdSize', align: 'right', width: 70 },
    {
      title: t('netIncome'), key: 'net', align: 'right', width: 110,
      render: (_: unknown, i) => fmtMoney((i.wage ?? 0) + (i.business ?? 0) + (i.property ?? 0) + (i.transfer ?? 0) - (i.businessCost ?? 0)),
    },
    { title: t('wage'), dataIndex: 'wage', key: 'wage', align: 'right', width: 100, render: fmtMoney },
    { title: t('business'), dataIndex: 'business', key: 'business', align: 'right', width: 120, render: fmtMoney },
    { title: t('property'), dataIndex: 'property', key: 'property', align: 'right', width: 100, render: fmtMoney },
    { title: t('transfer'), dataIndex: 'transfer', key: 'transfer', align: 'right', width: 100, render: fmtMoney },
    { title: t('businessCost'), dataIndex: 'businessCost', key: 'businessCost', align: 'right', width: 120, render: fmtMoney },
    ...(writable ? [{ title: t('actions'), key: 'a', width: 64, fixed: 'right' as const, render: (_: unknown, i: IncomeView) => <Button size="small" type="link" icon={<EditOutlined />} onClick={() => openIncome(i)} aria-label={`${t('editIncome')} ${i.year}`} /> }] : []),
  ];

  return (
    <div>
      <Space wrap style={{ marginBottom: 12, justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} className="page-title" style={{ marginBottom: 0 }} data-testid="household-title">
          {head?.name ?? '—'} · {hh.householdNumber} <Tag color={STATUS_COLORS[hh.povertyStatus]}>{hh.povertyStatus}</Tag>
        </Typography.Title>
        <Space wrap>
          {writable && <Button type="primary" icon={<EditOutlined />} onClick={openEdit} data-testid="edit-household">{t('edit')}</Button>}
          {writable && can(me, 'registry.remove') && (
            <Button danger icon={<DeleteOutlined />} onClick={openRemove} data-testid="remove-household">{t('removeHousehold')}</Button>
          )}
          <Link to={`/households/${id}/card`}><Button icon={<PrinterOutlined />}>{t('printCard')}</Button></Link>
          {can(me, 'pii.unmask') && (
            <Tooltip title={t('unmaskNote')}>
              <Button icon={<EyeOutlined />} onClick={() => setUnmasked((x) => !x)} aria-pressed={unmasked}>{t('unmask')}</Button>
            </Tooltip>
          )}
        </Space>
      </Space>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={16}>
          <Card size="small" title={t('householdInfo')} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} data-testid="household-info">
              <Descriptions.Item label={t('householdNumber')}>{hh.householdNumber}</Descriptions.Item>
              <Descriptions.Item label={t('address')} span={2}>{[hh.countyName, hh.townshipName, hh.villageName, hh.naturalVillage].filter(Boolean).join(' ')}</Descriptions.Item>
              <Descriptions.Item label={t('category')}>{hh.category}</Descriptions.Item>
              <Descriptions.Item label={t('status')}><Tag color={STATUS_COLORS[hh.povertyStatus]}>{hh.povertyStatus}</Tag></Descriptions.Item>
              <Descriptions.Item label="识别标准">{hh.identificationStandard ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('identificationYear')}>{hh.identificationYear}</Descriptions.Item>
              <Descriptions.Item label={t('exitYear')}>{hh.exitYear ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('mainCause')}>{hh.mainCause}</Descriptions.Item>
              <Descriptions.Item label="其他致贫原因">{hh.otherCauses?.length ? hh.otherCauses.join('、') : '—'}</Descriptions.Item>
              <Descriptions.Item label="是否危房户">{yesNo(hh.dangerousHouse)}</Descriptions.Item>
              <Descriptions.Item label="是否解决安全饮水">{yesNo(hh.safeWater)}</Descriptions.Item>
              <Descriptions.Item label={t('phone')}><span className="num" data-testid="household-phone">{hh.phone ?? '—'}</span></Descriptions.Item>
              <Descriptions.Item label="开户银行">{hh.bankName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="银行账号"><span className="num">{hh.bankAccount ?? '—'}</span></Descriptions.Item>
              <Descriptions.Item label={t('updatedAt')}>{fmtTime(hh.updatedAt)}</Descriptions.Item>
              {hh.removedAt && <Descriptions.Item label={t('removedAt')}>{fmtTime(hh.removedAt)}</Descriptions.Item>}
              {hh.removedReason && <Descriptions.Item label={t('removeHouseholdReason')} span={2}><span data-testid="removed-reason">{hh.removedReason}</span></Descriptions.Item>}
            </Descriptions>
          </Card>
          <Card size="small" title={`${t('members')}（${hh.members.filter((m) => !m.leftAt).length}）`} style={{ marginBottom: 12 }}
            extra={writable && <Button size="small" icon={<PlusOutlined />} onClick={() => openMember('new')}>{t('addMember')}</Button>}>
            <Table<MemberView> rowKey="id" size="small" columns={memberColumns} dataSource={hh.members} pagination={false} scroll={{ x: 900 }}
              rowClassName={(m) => (m.leftAt ? 'member-left' : '')} />
          </Card>
          <Card size="small" title={t('incomes')} extra={writable && <Button size="small" icon={<PlusOutlined />} onClick={() => openIncome('new')}>{t('addIncome')}</Button>}>
            <Table<IncomeView> rowKey="year" size="small" columns={incomeColumns} dataSource={hh.incomes} pagination={false} scroll={{ x: 900 }} locale={{ emptyText: t('noIncome') }} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <AssistanceBrief householdId={id} />
          <Card size="small" title={t('timeline')}>
            <EventTimeline events={events.data} fields={fields.data} />
          </Card>
          {can(me, 'review.read') && <div style={{ marginTop: 12 }}><HouseholdReviewCard householdId={hh.id} /></div>}
        </Col>
      </Row>

      <Modal open={editing} title={t('editHousehold')} onCancel={() => setEditing(false)} onOk={() => void saveHousehold()} okText={t('save')} cancelText={t('cancel')}
        confirmLoading={saving === 'household'} width={860} forceRender>
        <Form form={hForm} layout="vertical" name="household-edit" scrollToFirstError>
          <Row gutter={12}>
            {hFields.map((f) => (
              <Col xs={24} sm={12} md={8} key={f.key}>
                <Form.Item name={f.key} label={f.label} rules={fieldRules(f, (hh as unknown as Values)[f.key])}>
                  <FieldInput spec={f} dicts={dicts.data} villages={villages} />
                </Form.Item>
              </Col>
            ))}
            <Col span={24}>
              <Form.Item name="reason" label={t('reason')}>
                <Input.TextArea rows={2} maxLength={500} placeholder={t('reasonPlaceholder')} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>

      <Modal open={removing} title={`${t('removeHouseholdTitle')}：${hh.householdNumber}`} onCancel={() => setRemoving(false)} onOk={() => void saveRemove()}
        okText={t('removeHousehold')} okButtonProps={{ danger: true, 'data-testid': 'confirm-remove' }} cancelText={t('cancel')} confirmLoading={saving === 'remove'} forceRender>
        <Typography.Paragraph type="secondary">{t('removeHouseholdNote')}</Typography.Paragraph>
        <Form form={rForm} layout="vertical" name="household-remove">
          <Form.Item name="reason" label={t('removeHouseholdReason')}
            rules={[{ required: true, whitespace: true, message: t('removeReasonRequired') }, { validator: async (_, v?: string) => { if (v && v.trim().length < 2) throw new Error(t('removeReasonTooShort')); } }]}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('removeHouseholdReasonHint')} data-testid="remove-reason" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal open={memberEdit !== null} title={memberEdit === 'new' ? t('addMember') : t('editMember')} onCancel={() => setMemberEdit(null)} onOk={() => void saveMember()}
        okText={t('save')} cancelText={t('cancel')} confirmLoading={saving === 'member'} width={760} forceRender>
        <Form form={mForm} layout="vertical" name="member-edit">
          <MemberForm form={mForm} fields={mFields} dicts={dicts.data} initialId={memberEdit && memberEdit !== 'new' ? memberEdit.idNumber : undefined} />
        </Form>
      </Modal>

      <Modal open={incomeEdit !== null} title={incomeEdit === 'new' ? t('addIncome') : t('editIncome')} onCancel={() => setIncomeEdit(null)} onOk={() => void saveIncome()}
        okText={t('save')} cancelText={t('cancel')} confirmLoading={saving === 'income'} width={640} forceRender>
        <Form form={iForm} layout="vertical" name="income-edit">
          <Row gutter={12}>
            {incomeFields.map((f) => (
              <Col xs={24} sm={12} key={f.key}>
                <Form.Item name={f.key} label={f.label} rules={f.key === 'year' ? [{ required: true, message: '请填写收入年度' }, ...fieldRules(f)] : fieldRules(f)} extra={undefined}>
                  <FieldInput spec={f} dicts={dicts.data} disabled={f.key === 'year' && incomeEdit !== 'new'} />
                </Form.Item>
              </Col>
            ))}
          </Row>
        </Form>
      </Modal>
    </div>
  );
}

import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, DatePicker, Divider, Form, Input, Modal, Select, Space } from 'antd';
import type dayjs from 'dayjs';
import { useNavigate } from 'react-router';
import type { Candidate } from '../../../../src/modules/comparison/candidates';
import { api, ApiError } from '../../api/client';
import { useDictionaries } from '../../api/queries';
import { useCurrentUser } from '../../auth';
import { showError, notifySuccess } from '../../lib/notify';
import { TYPE_LABELS } from './ReviewHome';
import { useReviewText } from './text';
import type { Proposal } from './types';

interface Values {
  type: string;
  householdNumber?: string;
  reason: string;
  monitoringCategory?: string;
  clueSource?: string;
  firstClueOn?: dayjs.Dayjs;
  newHousehold?: { householdNumber: string; villageCode: string; category: string; mainCause: string; identificationYear: string };
  members?: { name: string; idNumber: string; relation: string }[];
}

/**
 * 提出申报. For an identification the household is new: its number, village, category, cause and
 * members are entered here and checked by the registry's own validation when submitted (errors are
 * shown on the fields); the household is created only by the county decision. From an
 * identification candidate (数据比对) the form is an identification in the candidate's village with
 * the person as 户主 (ID number as the list shows it; the server puts in the full number) and is sent
 * to the candidate, which then links to the proposal.
 */
export function NewProposalModal({ onClose, candidate }: { onClose: () => void; candidate?: Candidate }) {
  const { r } = useReviewText();
  const me = useCurrentUser();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch('type', form);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const dicts = useDictionaries();
  const wf = useQuery({ queryKey: ['review', 'workflows'], queryFn: () => api.get<{ monitoringCategories: string[]; clueSources: string[] }>('/api/review/workflows'), staleTime: 600_000 });
  const options = (name: 'householdCategory' | 'povertyCause' | 'relation') => (dicts.data?.[name]?.entries ?? []).map((e) => ({ value: e.label, label: e.label }));

  const identifyHousehold = (v: Values) => ({
    household: { ...v.newHousehold, identificationYear: Number(v.newHousehold?.identificationYear), povertyStatus: '未脱贫' },
    members: v.members ?? [],
  });
  const submit = useMutation({
    mutationFn: async (v: Values) => candidate
      ? (await api.post<{ proposal: Proposal }>(`/api/comparison/candidates/${candidate.id}/proposal`, { reason: v.reason, household: identifyHousehold(v) })).proposal
      : api.post<Proposal>('/api/review/proposals', {
        type: v.type,
        reason: v.reason,
        ...(v.type === 'identify' ? { household: identifyHousehold(v) } : { householdNumber: v.householdNumber }),
        ...(v.type === 'monitor_enter' ? { monitoringCategory: v.monitoringCategory, clueSource: v.clueSource, firstClueOn: v.firstClueOn?.format('YYYY-MM-DD') } : {}),
      }),
    onSuccess: (p) => {
      notifySuccess(`已提交申报 ${p.number}`);
      void qc.invalidateQueries({ queryKey: ['review'] });
      if (candidate) void qc.invalidateQueries({ queryKey: ['comparison'] });
      onClose();
      navigate(`/review/proposals/${p.id}`);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.fieldErrors.length) {
        form.setFields(e.fieldErrors.map((f) => ({ name: fieldPath(f.field) as never, errors: [f.message] })));
      }
      showError(e, '提交失败');
    },
  });

  return (
    <Modal open title={r('newProposal')} onCancel={onClose} okText={r('submit')} cancelText={r('cancel')} onOk={() => form.submit()} confirmLoading={submit.isPending} width={720} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => submit.mutate(v)} data-testid="proposal-form"
        initialValues={candidate
          ? {
            type: 'identify', members: [{ name: candidate.name ?? '', idNumber: candidate.idNumber, relation: '户主' }],
            reason: '民政低保对象经数据比对核实未纳入建档立卡，经入户评估申请识别纳入',
          }
          : { type: 'exit', members: [{ relation: '户主' }] }}>
        {candidate && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={r('fromCandidate')} />}
        <Form.Item name="type" label={r('type')} rules={[{ required: true }]}>
          <Select disabled={!!candidate} options={Object.entries(TYPE_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        {type !== 'identify' && (
          <Form.Item name="householdNumber" label={r('household')} rules={[{ required: true, message: '请输入户编号' }]}>
            <Input placeholder="例如 620123100201001" />
          </Form.Item>
        )}
        {type === 'monitor_enter' && (
          <Space wrap>
            <Form.Item name="monitoringCategory" label={r('monitoringCategory')} rules={[{ required: true, message: '请选择' }]}>
              <Select style={{ width: 180 }} options={(wf.data?.monitoringCategories ?? []).map((v) => ({ value: v, label: v }))} />
            </Form.Item>
            <Form.Item name="clueSource" label={r('clueSource')} rules={[{ required: true, message: '请选择' }]}>
              <Select style={{ width: 180 }} options={(wf.data?.clueSources ?? []).map((v) => ({ value: v, label: v }))} />
            </Form.Item>
            <Form.Item name="firstClueOn" label={r('firstClueOn')} rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker />
            </Form.Item>
          </Space>
        )}
        {type === 'identify' && (
          <>
            <Divider titlePlacement="start" plain>户信息</Divider>
            <Space wrap>
              <Form.Item name={['newHousehold', 'householdNumber']} label="户编号" rules={[{ required: true, message: '必填' }]}><Input style={{ width: 200 }} /></Form.Item>
              <Form.Item name={['newHousehold', 'villageCode']} label="行政区划代码（村）" rules={[{ required: true, message: '必填' }, { pattern: /^\d{12}$/, message: '12 位数字' }]} initialValue={candidate ? candidate.villageCode : me.regionCode.endsWith('000') ? undefined : me.regionCode}>
                <Input style={{ width: 160 }} disabled={!!candidate} />
              </Form.Item>
              <Form.Item name={['newHousehold', 'category']} label="贫困户属性" rules={[{ required: true, message: '必填' }]}><Select style={{ width: 160 }} options={options('householdCategory')} /></Form.Item>
              <Form.Item name={['newHousehold', 'mainCause']} label="主要致贫原因" rules={[{ required: true, message: '必填' }]}><Select style={{ width: 140 }} options={options('povertyCause')} /></Form.Item>
              <Form.Item name={['newHousehold', 'identificationYear']} label="识别年度" rules={[{ required: true, message: '必填' }]} initialValue={String(new Date().getFullYear())}><Input style={{ width: 90 }} /></Form.Item>
            </Space>
            <Divider titlePlacement="start" plain>{r('members')}</Divider>
            <Form.List name="members">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline" wrap>
                      <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: '姓名必填' }]}><Input placeholder="姓名" style={{ width: 100 }} /></Form.Item>
                      <Form.Item name={[f.name, 'idNumber']} rules={[{ required: true, message: '证件号码必填' }]}>
                        <Input placeholder="证件号码" style={{ width: 200 }} disabled={!!candidate && f.name === 0} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'relation']} rules={[{ required: true, message: '必填' }]}><Select placeholder="与户主关系" style={{ width: 120 }} options={options('relation')} /></Form.Item>
                      {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="删除成员" />}
                    </Space>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ relation: undefined })}>{r('addMember')}</Button>
                </>
              )}
            </Form.List>
          </>
        )}
        <Form.Item name="reason" label={r('reason')} rules={[{ required: true, min: 4, message: '请写明申报理由（至少 4 个字）' }]} style={{ marginTop: 12 }}>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The server names fields like `members[0].idNumber` or `household.category`; map them onto the form. */
function fieldPath(field: string): (string | number)[] {
  const m = /^members\[(\d+)\]\.(\w+)$/.exec(field);
  if (m) return ['members', Number(m[1]), m[2]!];
  if (field.startsWith('household.')) return ['newHousehold', field.slice('household.'.length)];
  return [field];
}

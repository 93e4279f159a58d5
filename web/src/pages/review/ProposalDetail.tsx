import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, List, Modal, Radio, Space, Steps, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import { useCurrentUser } from '../../auth';
import { PageLoading } from '../../components/PageLoading';
import { useSaveError } from '../../components/useSaveError';
import { fmtTime } from '../../lib/format';
import { notifySuccess, showError } from '../../lib/notify';
import { STATE_LABELS, useReviewText } from './text';
import type { Notice, ProposalDetail as Detail } from './types';

const ACTION_LABELS: Record<string, string> = {
  submit: '提出申报', approve: '签署通过', send_back: '退回复核', post_notice: '发布公示', close_notice: '公示期满', objection: '收到异议',
  objection_resolved: '异议复核', decide_yes: '县级审定通过', decide_no: '不予批准', announce: '发布公告', withdraw: '撤回',
};
const ROLE_NAMES: Record<string, string> = { village: '村级干部', township: '乡镇', county: '县级', helper: '帮扶责任人', city: '市级', system: '公众' };

/** One proposal: its procedure, where it stands, what the current signer must record, objections and the signed history. */
export default function ProposalDetail() {
  const { id = '' } = useParams();
  const { r, lang } = useReviewText();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['review', 'proposal', id], queryFn: () => api.get<Detail>(`/api/review/proposals/${id}`) });
  const [form] = Form.useForm<{ comment?: string; evidence?: Record<string, string> }>();
  const [objection, setObjection] = useState<Detail['objections'][number] | null>(null);
  const saveError = useSaveError(() => q.refetch());
  const refresh = () => qc.invalidateQueries({ queryKey: ['review'] });

  const act = useMutation({
    mutationFn: (v: { action: string; comment?: string; evidence?: Record<string, string> }) =>
      api.post<Detail>(`/api/review/proposals/${id}/act`, { ...v, version: q.data!.version }),
    onSuccess: (_, v) => {
      notifySuccess(v.action === 'approve' ? '已签署' : v.action === 'send_back' ? '已退回复核' : v.action === 'reject' ? '已作出不予批准决定' : '已撤回');
      form.resetFields();
      void refresh();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'CHECK_FAILED') {
        Modal.error({ title: '不符合条件', content: e.message });
        return;
      }
      saveError(e, form as never, '办理失败');
    },
  });
  const post = useMutation({
    mutationFn: () => api.post<Notice>('/api/review/notices', { proposalIds: [id] }),
    onSuccess: (n) => {
      notifySuccess(n.title);
      void refresh();
    },
    onError: (e) => showError(e),
  });

  if (q.isLoading) return <PageLoading />;
  if (!q.data) return <Alert type="error" message="申报不存在或不在您的辖区内" />;
  const p = q.data;
  const step = p.currentStep;
  const mine = !!step && (step.roles as readonly string[]).includes(me.role) && (p.state === 'in_progress' || (p.state === 'approved' && step.kind === 'announce'));
  const openObjections = p.objections.filter((o) => o.status === 'open');
  const st = STATE_LABELS[p.state]!;

  const submitWith = (action: string) => async () => {
    let v: { comment?: string; evidence?: Record<string, string> };
    try {
      v = action === 'approve' ? await form.validateFields() : form.getFieldsValue();
    } catch {
      return; // the form shows what is missing
    }
    if ((action === 'send_back' || action === 'reject' || action === 'withdraw') && !(v.comment ?? '').trim()) {
      form.setFields([{ name: 'comment', errors: ['请写明原因'] }]);
      return;
    }
    act.mutate({ action, comment: v.comment, evidence: v.evidence });
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/review')}>{r('title')}</Button>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="proposal-number">{p.number}</Typography.Title>
        <Tag color={st[2]}>{lang === 'zh' ? st[0] : st[1]}</Tag>
        {p.overdue && <Tag color="red">{r('overdue')}</Tag>}
      </Space>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label={r('type')}>{p.typeLabel}</Descriptions.Item>
          <Descriptions.Item label={r('household')}>{p.householdId ? <Link to={`/households/${p.householdId}`}>{p.householdNumber}</Link> : `${p.householdNumber}（待审定后建档）`}</Descriptions.Item>
          <Descriptions.Item label={r('head')}>{p.headName}（{p.memberCount} 人）</Descriptions.Item>
          <Descriptions.Item label={r('village')}>{p.villageCode}</Descriptions.Item>
          <Descriptions.Item label="申报人">{p.createdByName} · {fmtTime(p.createdAt)}</Descriptions.Item>
          {p.firstClueOn && <Descriptions.Item label={r('firstClueOn')}>{p.firstClueOn}（{p.clueSource}），应于 {p.decisionDue} 前审定</Descriptions.Item>}
          {p.stepDeadline && <Descriptions.Item label={r('deadline')}>{p.stepDeadline}</Descriptions.Item>}
          {p.rechecks > 0 && <Descriptions.Item label="复核次数">{p.rechecks}</Descriptions.Item>}
          <Descriptions.Item label={r('reason')} span={3}>{p.reason}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={r('procedure')}>
        <Steps
          size="small"
          direction={window.innerWidth < 700 ? 'vertical' : 'horizontal'}
          current={Math.min(p.step, p.steps.length - 1)}
          status={p.state === 'rejected' || p.state === 'withdrawn' ? 'error' : p.state === 'done' ? 'finish' : 'process'}
          items={p.steps.map((s) => ({
            title: s.label,
            description: `${s.roles.map((x) => ROLE_NAMES[x] ?? x).join('/')}${s.minDays ? ` · ≥${s.minDays}天` : ''}`,
          }))}
        />
      </Card>
      {openObjections.length > 0 && (
        <Alert type="warning" showIcon message={`有 ${openObjections.length} 条异议待复核，复核办结前不能通过「${step?.label ?? ''}」`} />
      )}
      {p.checks && (
        <Alert type={p.checks.pass ? 'success' : 'error'} showIcon message={p.checks.pass ? '审定时数据核验通过' : '审定时数据核验未通过'} description={p.checks.reasons.join('；')} />
      )}
      {mine && step && (
        <Card size="small" title={`${r('step')}：${step.label}`} data-testid="act-panel">
          {step.kind === 'notice' || step.kind === 'announce' ? (
            p.noticeId ? (
              <Typography.Text>已发布，<Link to={`/notices/${p.noticeId}`} target="_blank">查看公示</Link>；期满后在「公示公告」中结束公示。</Typography.Text>
            ) : (
              <Space>
                <Button type="primary" onClick={() => post.mutate()} loading={post.isPending} data-testid="post-one">{step.kind === 'announce' ? r('announce') : `${r('postNotice')}（${step.minDays} 天）`}</Button>
                {step.kind === 'notice' && <Typography.Text type="secondary">同村同环节的多户可在「待我办理」中勾选后一并公示。</Typography.Text>}
              </Space>
            )
          ) : (
            <Form form={form} layout="vertical">
              {(step.evidence ?? []).map((k) => (
                <Form.Item key={k} name={['evidence', k]} label={`${k}（${r('evidence')}）`} rules={[{ required: true, message: `请填写${k}` }]}>
                  <Input.TextArea rows={2} maxLength={2000} />
                </Form.Item>
              ))}
              <Form.Item name="comment" label={r('comment')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
              <Space wrap>
                <Button type="primary" onClick={submitWith('approve')} loading={act.isPending} data-testid="approve">{step.kind === 'decide' ? r('decideYes') : r('approve')}</Button>
                {p.step > 0 && <Button onClick={submitWith('send_back')} data-testid="send-back">{r('sendBack')}</Button>}
                {step.kind === 'decide' && <Button danger onClick={submitWith('reject')}>{r('reject')}</Button>}
                {['village', 'township', 'county'].includes(me.role) && <Button danger type="text" onClick={submitWith('withdraw')}>{r('withdraw')}</Button>}
              </Space>
            </Form>
          )}
        </Card>
      )}
      {p.objections.length > 0 && (
        <Card size="small" title={r('objections')}>
          <List
            dataSource={p.objections}
            renderItem={(o) => (
              <List.Item
                actions={o.status === 'open' && mine ? [<Button key="r" size="small" onClick={() => setObjection(o)} data-testid="resolve-objection">{r('resolve')}</Button>] : []}
              >
                <List.Item.Meta
                  title={<Space><Tag color={o.status === 'open' ? 'orange' : o.status === 'upheld' ? 'red' : 'green'}>{o.status === 'open' ? '待复核' : o.status === 'upheld' ? r('upheld') : r('dismissed')}</Tag>{o.channel === 'public' ? '公示页提交' : '干部登记'} · {fmtTime(o.createdAt)}</Space>}
                  description={<>{o.content}{o.resolution && <div>复核：{o.resolution}（{o.resolvedByName}）</div>}</>}
                />
              </List.Item>
            )}
          />
        </Card>
      )}
      <Card size="small" title={r('history')}>
        <Timeline
          items={p.history.map((h) => ({
            color: h.action === 'objection' || h.action === 'send_back' || h.action === 'decide_no' ? 'red' : h.action.startsWith('decide') ? 'green' : 'blue',
            children: (
              <div>
                <b>{ACTION_LABELS[h.action] ?? h.action}</b>{h.action !== 'submit' && `（${p.steps[h.stepIndex]?.label ?? h.stepKey}）`} · {h.displayName}（{ROLE_NAMES[h.role] ?? h.role}）· {fmtTime(h.at)}
                {h.comment && <div>{h.comment}</div>}
                {h.evidence && Object.entries(h.evidence).filter(([, v]) => typeof v === 'string').map(([k, v]) => <div key={k} style={{ color: '#666' }}>{k}：{String(v)}</div>)}
              </div>
            ),
          }))}
        />
      </Card>
      {objection && <ResolveModal objectionId={objection.id} onClose={() => { setObjection(null); void refresh(); }} />}
    </Space>
  );
}

function ResolveModal({ objectionId, onClose }: { objectionId: string; onClose: () => void }) {
  const { r } = useReviewText();
  const [form] = Form.useForm<{ outcome: 'dismissed' | 'upheld'; resolution: string }>();
  const m = useMutation({
    mutationFn: (v: { outcome: string; resolution: string }) => api.post(`/api/review/objections/${objectionId}/resolve`, v),
    onSuccess: () => {
      notifySuccess('异议已复核');
      onClose();
    },
    onError: (e) => showError(e),
  });
  return (
    <Modal open title={r('resolve')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={m.isPending}>
      <Form form={form} layout="vertical" onFinish={(v) => m.mutate(v)} initialValues={{ outcome: 'dismissed' }}>
        <Form.Item name="outcome" label="复核结果"><Radio.Group options={[{ value: 'dismissed', label: r('dismissed') }, { value: 'upheld', label: r('upheld') }]} /></Form.Item>
        <Form.Item name="resolution" label="复核结论" rules={[{ required: true, min: 4, message: '请写明复核结论（至少 4 个字）' }]}><Input.TextArea rows={3} /></Form.Item>
      </Form>
    </Modal>
  );
}

import { CloseCircleOutlined, FileAddOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Candidate } from '../../../../src/modules/comparison/candidates';
import { api } from '../../api/client';
import { can, useCurrentUser } from '../../auth';
import { fmtInt, fmtTime } from '../../lib/format';
import { notifySuccess, showError } from '../../lib/notify';
import { NewProposalModal } from './NewProposal';
import { useReviewText } from './text';

/**
 * 识别候选: people a confirmed DIBAO_NOT_REGISTERED finding shows on 低保 but not in the registry,
 * by village. The village cadre starts an identify proposal from one (the form prefilled with the
 * person as 户主); the row then links to that proposal.
 */
export function CandidateTable({ cycleOpen }: { cycleOpen: boolean }) {
  const { r } = useReviewText();
  const me = useCurrentUser();
  const [status, setStatus] = useState<string | undefined>('open');
  const [page, setPage] = useState(1);
  const [proposing, setProposing] = useState<Candidate | null>(null);
  const [closing, setClosing] = useState<Candidate | null>(null);
  const query = { ...(status ? { status } : {}), page, pageSize: 20 };
  const list = useQuery({
    queryKey: ['comparison', 'candidates', query],
    queryFn: () => api.get<{ items: Candidate[]; total: number }>('/api/comparison/candidates', query),
    placeholderData: keepPreviousData,
  });
  const mayPropose = can(me, 'review.propose');
  const columns: ColumnsType<Candidate> = [
    { title: r('candidate'), dataIndex: 'name', key: 'name', width: 100 },
    { title: r('idNumber'), dataIndex: 'idNumber', key: 'id', width: 180, render: (v: string) => <span className="num">{v}</span> },
    { title: r('village'), key: 'village', width: 150, render: (_, c) => <span>{c.villageName ?? ''}<br /><Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>{c.villageCode}</Typography.Text></span> },
    {
      title: r('source'), key: 'source', width: 240,
      render: (_, c) => (
        <span style={{ fontSize: 12 }}>
          <Tag color="volcano">{c.code}</Tag>{c.year ?? ''}
          <br /><Typography.Text type="secondary">{c.reason}</Typography.Text>
        </span>
      ),
    },
    { title: r('confirmedBy'), key: 'by', width: 160, render: (_, c) => <span style={{ fontSize: 12 }}>{c.createdByName}<br />{fmtTime(c.createdAt)}</span> },
    {
      title: r('state'), key: 'state', width: 200,
      render: (_, c) => (c.status === 'proposed' && c.proposalId
        ? <span><Tag color="green">{r('candidateProposed')}</Tag><Link to={`/review/proposals/${c.proposalId}`}>{c.proposalNumber}</Link></span>
        : c.status === 'closed'
          ? <span data-testid="candidate-closed"><Tag>{r('candidateClosed')}</Tag><br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.closedReason}（{c.closedByName}，{fmtTime(c.closedAt)}）</Typography.Text></span>
          : <Tag color="orange">{r('candidateOpen')}</Tag>),
    },
    {
      title: '', key: 'a', width: 240,
      render: (_, c) => c.status === 'open' && mayPropose && (
        <Space size={4} wrap>
          <Button size="small" type="primary" icon={<FileAddOutlined />} disabled={!cycleOpen} onClick={() => setProposing(c)} data-testid="candidate-propose">{r('startIdentify')}</Button>
          <Button size="small" icon={<CloseCircleOutlined />} onClick={() => setClosing(c)} data-testid="candidate-close">{r('closeCandidate')}</Button>
        </Space>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon message={r('candidatesHelp')} />
      <Space wrap>
        <Select allowClear placeholder={r('state')} style={{ width: 140 }} value={status} onChange={(v) => { setStatus(v); setPage(1); }}
          options={[{ value: 'open', label: r('candidateOpen') }, { value: 'proposed', label: r('candidateProposed') }, { value: 'closed', label: r('candidateClosed') }]} />
        <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label="刷新" />
      </Space>
      <Table<Candidate>
        rowKey="id" size="small" loading={list.isFetching} dataSource={list.data?.items ?? []} columns={columns} scroll={{ x: 1160 }} data-testid="candidates-table"
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (n) => `${fmtInt(n)}` }}
      />
      {proposing && <NewProposalModal candidate={proposing} onClose={() => setProposing(null)} />}
      {closing && <CloseCandidateModal candidate={closing} onClose={() => setClosing(null)} />}
    </Space>
  );
}

/** 不予识别: the village's assessment found no case; the reason is kept on the candidate (audited). */
function CloseCandidateModal({ candidate, onClose }: { candidate: Candidate; onClose: () => void }) {
  const { r } = useReviewText();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const m = useMutation({
    mutationFn: (v: { reason: string }) => api.post<Candidate>(`/api/comparison/candidates/${candidate.id}/close`, { ...v, version: candidate.version }),
    onSuccess: () => {
      notifySuccess(r('candidateClosedOk'));
      void qc.invalidateQueries({ queryKey: ['comparison', 'candidates'] });
      onClose();
    },
    // A stale version (409) or a candidate proposed meanwhile: the server's message says which.
    onError: (e) => showError(e),
  });
  return (
    <Modal open title={`${r('closeCandidate')}：${candidate.name ?? ''}（${candidate.idNumber}）`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={m.isPending} data-testid="close-candidate-modal">
      <Form form={form} layout="vertical" onFinish={(v) => m.mutate(v)}>
        <Form.Item name="reason" label={r('closeReason')} extra={r('closeReasonHelp')} rules={[{ required: true, min: 4, whitespace: true, message: r('closeReasonHelp') }]}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

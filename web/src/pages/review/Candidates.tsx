import { FileAddOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Candidate } from '../../../../src/modules/comparison/candidates';
import { api } from '../../api/client';
import { can, useCurrentUser } from '../../auth';
import { fmtInt, fmtTime } from '../../lib/format';
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
    { title: r('village'), dataIndex: 'villageCode', key: 'village', width: 130 },
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
        : <Tag color="orange">{r('candidateOpen')}</Tag>),
    },
    {
      title: '', key: 'a', width: 150,
      render: (_, c) => c.status === 'open' && mayPropose && (
        <Button size="small" type="primary" icon={<FileAddOutlined />} disabled={!cycleOpen} onClick={() => setProposing(c)} data-testid="candidate-propose">{r('startIdentify')}</Button>
      ),
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon message={r('candidatesHelp')} />
      <Space wrap>
        <Select allowClear placeholder={r('state')} style={{ width: 140 }} value={status} onChange={(v) => { setStatus(v); setPage(1); }}
          options={[{ value: 'open', label: r('candidateOpen') }, { value: 'proposed', label: r('candidateProposed') }]} />
        <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label="刷新" />
      </Space>
      <Table<Candidate>
        rowKey="id" size="small" loading={list.isFetching} dataSource={list.data?.items ?? []} columns={columns} scroll={{ x: 1160 }} data-testid="candidates-table"
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (n) => `${fmtInt(n)}` }}
      />
      {proposing && <NewProposalModal candidate={proposing} onClose={() => setProposing(null)} />}
    </Space>
  );
}

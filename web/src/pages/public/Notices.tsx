import { PrinterOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Grid, Input, Layout, List, Select, Space, Table, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { LangSwitch } from '../../components/LangSwitch';
import { PageLoading } from '../../components/PageLoading';
import { useI18n } from '../../i18n';
import { notifySuccess, showError } from '../../lib/notify';
import { useReviewText } from '../review/text';
import type { PublicNotice as Notice } from '../review/types';

/**
 * The public notice board (公示公告), open without login: each notice as posted, names masked, no ID
 * number, phone, bank or health data (the server froze the masked text when it was posted). A
 * notice prints on A4; while it is open anyone may object to a household on it.
 */
function Frame({ children }: { children: React.ReactNode }) {
  const { t } = useI18n();
  const { r } = useReviewText();
  const wide = Grid.useBreakpoint().md ?? true;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="app-header no-print">
        <Link to="/notices" style={{ minWidth: 0 }}><Typography.Text strong className="app-title" ellipsis>{wide ? `${t('appName')} · ${r('publicNotices')}` : r('publicNotices')}</Typography.Text></Link>
        <Space size={4}><LangSwitch /><Link to="/login">{t('login')}</Link></Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 16, maxWidth: 960, margin: '0 auto', width: '100%' }}>{children}</Layout.Content>
    </Layout>
  );
}

export default function PublicNotices() {
  const { id } = useParams();
  return <Frame>{id ? <OneNotice id={id} /> : <NoticeList />}</Frame>;
}

function NoticeList() {
  const { r } = useReviewText();
  const q = useQuery({ queryKey: ['public', 'notices'], queryFn: () => api.get<{ items: Notice[] }>('/api/public/notices') });
  if (q.isLoading) return <PageLoading />;
  return (
    <Card title={r('publicNotices')} size="small">
      <List
        dataSource={q.data?.items ?? []}
        locale={{ emptyText: '近 90 天没有公示公告' }}
        renderItem={(n) => (
          <List.Item extra={n.kind === 'announcement' ? <Tag color="blue">公告</Tag> : n.open ? <Tag color="orange">公示中</Tag> : <Tag>已结束</Tag>}>
            <List.Item.Meta title={<Link to={`/notices/${n.id}`}>{n.title}</Link>} description={`${n.startsOn} 至 ${n.endsOn} · ${n.body.rows.length} 户`} />
          </List.Item>
        )}
      />
    </Card>
  );
}

function OneNotice({ id }: { id: string }) {
  const { r } = useReviewText();
  const q = useQuery({ queryKey: ['public', 'notice', id], queryFn: () => api.get<Notice>(`/api/public/notices/${id}`) });
  const [form] = Form.useForm<{ proposalNumber: string; content: string; contact?: string }>();
  const send = useMutation({
    mutationFn: (v: { proposalNumber: string; content: string; contact?: string }) => api.post(`/api/public/notices/${id}/objections`, v),
    onSuccess: () => {
      notifySuccess(r('sent'));
      form.resetFields();
      void q.refetch();
    },
    onError: (e) => showError(e, '提交失败'),
  });
  if (q.isLoading) return <PageLoading />;
  if (!q.data) return <Alert type="error" message="公示不存在" />;
  const n = q.data;
  const rows = n.body.rows;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <div className="notice-sheet" data-testid="notice-sheet">
        <Typography.Title level={3} style={{ textAlign: 'center' }}>{n.title}</Typography.Title>
        <Typography.Paragraph>{n.body.intro}</Typography.Paragraph>
        <Table
          rowKey="proposalNumber"
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: '序号', key: 'i', width: 56, render: (_, __, i) => i + 1 },
            { title: '编号', dataIndex: 'proposalNumber', key: 'no' },
            { title: '村', dataIndex: 'village', key: 'v' },
            { title: '户主', dataIndex: 'headName', key: 'h' },
            { title: '人口', dataIndex: 'memberCount', key: 'm', align: 'right' },
            { title: '事项', dataIndex: 'reason', key: 'r', render: (v: string, row) => (row.withdrawn ? <span><s>{v}</s> <Tag>有异议，复核中</Tag></span> : v) },
          ]}
        />
        <Typography.Paragraph style={{ marginTop: 12, textAlign: 'right' }}>
          {n.regionName}<br />{n.startsOn}
        </Typography.Paragraph>
      </div>
      <Space className="no-print">
        <Button icon={<PrinterOutlined />} onClick={() => window.print()}>{r('printNotice')}</Button>
        <Link to="/notices">返回列表</Link>
      </Space>
      {n.open && (
        <Card size="small" title={r('objectionForm')} className="no-print">
          <Form form={form} layout="vertical" onFinish={(v) => send.mutate(v)} data-testid="objection-form">
            <Form.Item name="proposalNumber" label="对哪一户" rules={[{ required: true, message: '请选择' }]}>
              <Select options={rows.filter((x) => !x.withdrawn).map((x) => ({ value: x.proposalNumber, label: `${x.proposalNumber} ${x.village} ${x.headName}` }))} />
            </Form.Item>
            <Form.Item name="content" label={r('objectionContent')} rules={[{ required: true, min: 5, message: '请写明异议内容（至少 5 个字）' }]}>
              <Input.TextArea rows={3} maxLength={2000} showCount />
            </Form.Item>
            <Form.Item name="contact" label={r('contact')}><Input maxLength={100} /></Form.Item>
            <Button type="primary" htmlType="submit" loading={send.isPending}>{r('submit')}</Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}

import { CloudUploadOutlined, EyeOutlined, InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Result, Row, Select, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useState } from 'react';
import { Link } from 'react-router';
import { KIND_SPECS, KINDS } from '../../../src/modules/comparison/kinds';
import { RULES, type FindingCode } from '../../../src/modules/comparison/rules';
import { api } from '../api/client';
import type { CompareResult, ColumnMatch, PreviewResult, RowIssue } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { useI18n } from '../i18n';
import { fmtInt } from '../lib/format';
import { notifySuccess, showError } from '../lib/notify';

type Done = Extract<CompareResult, { ok: true }>;

interface Fields {
  kind: string;
  year: number;
  purpose: string;
  authorisation: string;
}

export const kindLabel = (k: string) => (k in KIND_SPECS ? `${KIND_SPECS[k as keyof typeof KIND_SPECS].department}（${k}）` : k);
export const codeTitle = (c: string) => RULES[c as FindingCode]?.title ?? c;

function IssueTable({ rows, testId }: { rows: RowIssue[]; testId: string }) {
  const { t } = useI18n();
  return (
    <Table<RowIssue>
      size="small"
      data-testid={testId}
      rowKey={(e, i) => `${e.row}-${e.column}-${e.code}-${i}`}
      dataSource={rows}
      pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
      scroll={{ x: 700 }}
      columns={[
        { title: t('row'), dataIndex: 'row', key: 'row', width: 70, align: 'right', render: (v: number | null) => v ?? '—' },
        { title: t('column'), dataIndex: 'column', key: 'column', width: 120, render: (v: string | null) => v ?? '—' },
        { title: t('value'), dataIndex: 'value', key: 'value', width: 190, render: (v: string | null) => <span className="num">{v ?? ''}</span> },
        { title: t('errorReason'), dataIndex: 'message', key: 'message' },
        { title: t('errorCode'), dataIndex: 'code', key: 'code', width: 150, render: (v: string) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{v}</Typography.Text> },
      ]}
    />
  );
}

/** Upload a department file: kind, period, purpose, authorisation; preview its columns and rejected rows; compare. */
export default function ComparisonUpload() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [form] = Form.useForm<Fields>();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<'preview' | 'run' | null>(null);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  if (!can(me, 'comparison.upload')) return <Result status="403" title={t('noPermission')} />;

  const reset = () => {
    setPreview(null);
    setDone(null);
  };

  const send = async (mode: 'preview' | 'run') => {
    let v: Fields;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    if (!file) {
      showError(new Error(t('cmpFillRequired')), t('cmpFillRequired'));
      return;
    }
    const body = new FormData();
    body.append('kind', v.kind);
    body.append('year', String(v.year));
    body.append('purpose', v.purpose.trim());
    body.append('authorisation', v.authorisation.trim());
    body.append('file', file, file.name);
    setBusy(mode);
    try {
      if (mode === 'preview') {
        setDone(null);
        setPreview(await api.upload<PreviewResult>('/api/comparison/datasets', body, { preview: 1 }));
      } else {
        const res = await api.upload<Done>('/api/comparison/datasets', body);
        setDone(res);
        notifySuccess(t('cmpDone', { n: res.findings.total, fresh: res.findings.new, closed: res.findings.closed }));
        void qc.invalidateQueries({ queryKey: ['comparison'] });
      }
    } catch (e) {
      showError(e, mode === 'preview' ? '预览失败' : '比对失败');
    } finally {
      setBusy(null);
    }
  };

  const list: UploadFile[] = file ? [{ uid: file.name, name: file.name, status: 'done' }] : [];
  const canRun = !!preview && preview.missing.length === 0 && preview.counts.accepted > 0;
  const headers = preview?.header ?? [];

  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('cmpUploadTitle')}</Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary">{t('cmpUploadIntro')}</Typography.Paragraph>
        <Form form={form} layout="vertical" name="comparison-upload" onValuesChange={reset}
          initialValues={{ kind: 'hukou', year: new Date().getFullYear(), purpose: '', authorisation: '' }}>
          <Row gutter={12}>
            <Col xs={24} md={12} xl={6}>
              <Form.Item name="kind" label={t('cmpKind')} rules={[{ required: true }]}>
                <Select data-testid="cmp-kind" showSearch optionFilterProp="label" options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={4}>
              <Form.Item name="year" label={t('cmpYear')} rules={[{ required: true }]}>
                <InputNumber min={2000} max={2100} style={{ width: '100%' }} data-testid="cmp-year" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={7}>
              <Form.Item name="purpose" label={t('cmpPurpose')} rules={[{ required: true, whitespace: true, message: t('cmpFillRequired') }]}>
                <Input maxLength={500} placeholder={t('cmpPurposeHint')} data-testid="cmp-purpose" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={7}>
              <Form.Item name="authorisation" label={t('cmpAuthorisation')} rules={[{ required: true, whitespace: true, message: t('cmpFillRequired') }]}>
                <Input maxLength={500} placeholder={t('cmpAuthorisationHint')} data-testid="cmp-authorisation" />
              </Form.Item>
            </Col>
          </Row>
        </Form>
        <Space direction="vertical" style={{ width: '100%' }} size={12}>
          <Upload.Dragger accept=".xlsx,.csv" multiple={false} fileList={list}
            beforeUpload={(f) => { setFile(f); reset(); return false; }}
            onRemove={() => { setFile(null); reset(); }} data-testid="cmp-file">
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p className="ant-upload-text">{t('cmpChooseFile')}</p>
          </Upload.Dragger>
          <Space wrap>
            <Button icon={<EyeOutlined />} onClick={() => void send('preview')} loading={busy === 'preview'} disabled={!file || busy !== null} data-testid="cmp-preview">{t('cmpPreview')}</Button>
            <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => void send('run')} loading={busy === 'run'} disabled={!canRun || busy !== null} data-testid="cmp-run">{t('cmpRun')}</Button>
          </Space>
        </Space>
      </Card>

      {preview && (
        <Card size="small" style={{ marginBottom: 12 }} title={t('cmpPreviewTitle')} data-testid="cmp-preview-card">
          {preview.missing.length > 0 ? (
            <Alert type="error" showIcon title={t('cmpMissing', { cols: preview.missing.join('、') })} style={{ marginBottom: 12 }} />
          ) : (
            <Alert type={preview.counts.rejected ? 'warning' : 'success'} showIcon style={{ marginBottom: 12 }} data-testid="cmp-preview-counts"
              title={t('cmpPreviewCounts', { total: fmtInt(preview.counts.total), accepted: fmtInt(preview.counts.accepted), rejected: fmtInt(preview.counts.rejected) })} />
          )}
          <Typography.Title level={5}>{t('cmpColumns')}</Typography.Title>
          <Space wrap style={{ marginBottom: 12 }} data-testid="cmp-columns">
            {preview.columns.map((c: ColumnMatch, i) => (
              <Tag key={`${c.header}-${i}`} color={c.column ? 'green' : 'default'}>
                {c.header}{c.column && c.column !== c.header ? ` → ${c.column}` : ''}{c.column ? '' : `（${t('cmpNotUsed')}）`}
              </Tag>
            ))}
            {preview.missing.map((m) => <Tag key={m} color="red">{m}</Tag>)}
          </Space>
          <Typography.Title level={5}>{t('cmpSampleRows', { n: preview.rows.length })}</Typography.Title>
          <Table<{ row: number; cells: string[] }>
            size="small" rowKey="row" data-testid="cmp-sample" pagination={false} dataSource={preview.rows} scroll={{ x: Math.max(600, headers.length * 140) }}
            columns={[
              { title: t('cmpRowNo'), dataIndex: 'row', key: 'row', width: 60, align: 'right' },
              ...headers.map((h, i) => ({ title: h, key: `c${i}`, width: 140, render: (_: unknown, r: { cells: string[] }) => <span className="num">{r.cells[i] ?? ''}</span> })),
            ]}
          />
          {preview.missing.length === 0 && (
            <>
              <Typography.Title level={5} style={{ marginTop: 12 }}>{t('cmpRejectedRows', { n: fmtInt(preview.counts.rejected) })}</Typography.Title>
              {preview.rejected.length ? <IssueTable rows={preview.rejected} testId="cmp-rejected" /> : <Typography.Text type="secondary">{t('cmpNoRejected')}</Typography.Text>}
            </>
          )}
        </Card>
      )}

      {done && (
        <Card size="small" data-testid="cmp-result"
          title={<Typography.Text>{t('cmpDone', { n: fmtInt(done.findings.total), fresh: fmtInt(done.findings.new), closed: fmtInt(done.findings.closed) })}</Typography.Text>}
          extra={<Link to={`/comparison/findings?datasetId=${done.datasetId}`} data-testid="cmp-view-findings">{t('cmpViewFindings')}</Link>}>
          <Space size={32} wrap style={{ marginBottom: 12 }}>
            <Statistic title={t('cmpRowsTotal')} value={done.rows.total} />
            <Statistic title={t('cmpRowsAccepted')} value={done.rows.accepted} />
            <Statistic title={t('cmpRowsRejected')} value={done.rows.rejected} />
            <Statistic title={t('cmpRowsMatched')} value={done.rows.matched} />
            <Statistic title={t('cmpFindingsNew')} value={done.findings.new} />
            <Statistic title={t('cmpFindingsSeen')} value={done.findings.seen} />
            <Statistic title={t('cmpFindingsClosed')} value={done.findings.closed} />
          </Space>
          <Table<{ code: string; n: number }>
            size="small" rowKey="code" pagination={false} data-testid="cmp-by-code" style={{ maxWidth: 560, marginBottom: 12 }}
            dataSource={Object.entries(done.byCode).map(([code, n]) => ({ code, n }))}
            columns={[
              { title: t('cmpByCode'), dataIndex: 'code', key: 'code', render: (c: string) => <span>{codeTitle(c)} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c}</Typography.Text></span> },
              { title: t('cmpTotal'), dataIndex: 'n', key: 'n', align: 'right', width: 90, render: fmtInt },
            ]}
          />
          {done.rejected.length > 0 && (
            <>
              <Typography.Title level={5}>{t('cmpRejectedRows', { n: fmtInt(done.rows.rejected) })}</Typography.Title>
              <IssueTable rows={done.rejected} testId="cmp-result-rejected" />
            </>
          )}
          {done.issues.length > 0 && (
            <>
              <Typography.Title level={5}>{t('cmpIssues', { n: done.issues.length })}</Typography.Title>
              <IssueTable rows={done.issues} testId="cmp-result-issues" />
            </>
          )}
        </Card>
      )}
    </div>
  );
}

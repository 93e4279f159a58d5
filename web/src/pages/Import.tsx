import { CheckCircleOutlined, CloudUploadOutlined, DownloadOutlined, FileExcelOutlined, InboxOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Radio, Result, Space, Statistic, Table, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useState } from 'react';
import { api, saveBlob } from '../api/client';
import type { ImportIssue, ImportResult } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { useI18n } from '../i18n';
import { toCsv } from '../lib/format';
import { notifySuccess, showError } from '../lib/notify';

type Kind = 'xlsx' | 'csv';

/** Upload a registry workbook, check it (dry run), read the errors or import it. */
export default function ImportPage() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [kind, setKind] = useState<Kind>('xlsx');
  const [xlsx, setXlsx] = useState<File | null>(null);
  const [csvH, setCsvH] = useState<File | null>(null);
  const [csvM, setCsvM] = useState<File | null>(null);
  const [upsert, setUpsert] = useState(false);
  const [busy, setBusy] = useState<'dry' | 'real' | null>(null);
  const [result, setResult] = useState<{ dryRun: boolean; res: ImportResult } | null>(null);

  if (!can(me, 'registry.import')) return <Result status="403" title={t('noPermission')} />;

  const ready = kind === 'xlsx' ? !!xlsx : !!(csvH && csvM);
  const run = async (dryRun: boolean) => {
    if (!ready) {
      showError(new Error(t('pickFileFirst')), t('pickFileFirst'));
      return;
    }
    const form = new FormData();
    if (kind === 'xlsx') form.append('file', xlsx!, xlsx!.name);
    else {
      form.append('households', csvH!, csvH!.name);
      form.append('members', csvM!, csvM!.name);
    }
    setBusy(dryRun ? 'dry' : 'real');
    try {
      const res = await api.upload<ImportResult>('/api/imports', form, { dryRun: dryRun ? 1 : undefined, upsert: upsert ? 1 : undefined });
      setResult({ dryRun, res });
      if (res.ok && !dryRun) {
        notifySuccess(t('importOk', { h: res.households, m: res.members }));
        void qc.invalidateQueries({ queryKey: ['households'] });
        void qc.invalidateQueries({ queryKey: ['stats'] });
        void qc.invalidateQueries({ queryKey: ['indicators'] });
      }
    } catch (e) {
      showError(e, '导入失败');
    } finally {
      setBusy(null);
    }
  };

  const picker = (label: string, file: File | null, set: (f: File | null) => void, accept: string, testid: string) => {
    const list: UploadFile[] = file ? [{ uid: file.name, name: file.name, status: 'done' }] : [];
    return (
      <Upload.Dragger
        accept={accept}
        multiple={false}
        fileList={list}
        beforeUpload={(f) => {
          set(f);
          setResult(null);
          return false;
        }}
        onRemove={() => {
          set(null);
          setResult(null);
        }}
        data-testid={testid}
      >
        <p className="ant-upload-drag-icon"><InboxOutlined /></p>
        <p className="ant-upload-text">{label}</p>
      </Upload.Dragger>
    );
  };

  const errors: ImportIssue[] = result && !result.res.ok ? result.res.errors : [];
  const warnings: ImportIssue[] = result?.res.warnings ?? [];
  const downloadErrors = () => {
    const header = [t('sheet'), t('row'), t('column'), t('value'), t('errorReason'), t('errorCode')];
    saveBlob(toCsv(header, errors.map((e) => [e.sheet, e.row, e.column, e.value, e.message, e.code])), '导入错误清单.csv');
  };
  // The server keeps the rejected file's error list (its batch): the workbook is made from that.
  const rejectedBatch = result && !result.res.ok ? result.res.batchId : null;
  const downloadErrorsXlsx = async () => {
    if (!rejectedBatch) return;
    try {
      await api.download(`/api/imports/${rejectedBatch}/errors`, undefined, '导入错误清单.xlsx');
    } catch (e) {
      showError(e, '下载失败');
    }
  };
  const downloadTemplate = async () => {
    try {
      await api.download('/api/imports/template', undefined, '建档立卡导入模板.xlsx');
    } catch (e) {
      showError(e, '下载失败');
    }
  };

  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('importTitle')}</Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary">
          {t('importIntro')}{' '}
          <Button size="small" icon={<FileExcelOutlined />} onClick={() => void downloadTemplate()} data-testid="download-template">{t('downloadTemplate')}</Button>
        </Typography.Paragraph>
        <Space direction="vertical" style={{ width: '100%' }} size={12}>
          <Radio.Group value={kind} onChange={(e) => { setKind(e.target.value as Kind); setResult(null); }} optionType="button"
            options={[{ value: 'xlsx', label: '.xlsx' }, { value: 'csv', label: '2 × .csv' }]} aria-label={t('fileKind')} />
          {kind === 'xlsx' ? picker(t('chooseXlsx'), xlsx, setXlsx, '.xlsx', 'upload-xlsx') : (
            <Space wrap style={{ width: '100%' }} align="start">
              <div style={{ minWidth: 260 }}>{picker(t('chooseCsvH'), csvH, setCsvH, '.csv', 'upload-csv-h')}</div>
              <div style={{ minWidth: 260 }}>{picker(t('chooseCsvM'), csvM, setCsvM, '.csv', 'upload-csv-m')}</div>
            </Space>
          )}
          <Checkbox checked={upsert} onChange={(e) => { setUpsert(e.target.checked); setResult(null); }}>{t('upsert')}</Checkbox>
          <Space wrap>
            <Button icon={<SafetyCertificateOutlined />} onClick={() => void run(true)} loading={busy === 'dry'} disabled={!ready || busy !== null} data-testid="dry-run">{t('dryRun')}</Button>
            <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => void run(false)} loading={busy === 'real'}
              disabled={!ready || busy !== null || !(result?.dryRun && result.res.ok)} data-testid="do-import">{t('doImport')}</Button>
          </Space>
        </Space>
      </Card>

      {result && result.res.ok && (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="import-ok">
          <Alert type="success" showIcon icon={<CheckCircleOutlined />} title={result.dryRun ? t('dryRunOk', { h: result.res.households, m: result.res.members }) : t('importOk', { h: result.res.households, m: result.res.members })} style={{ marginBottom: 12 }} />
          <Space size={32} wrap>
            <Statistic title={t('households')} value={result.res.households} />
            <Statistic title={t('people')} value={result.res.members} />
            {result.res.created !== undefined && <Statistic title="新增" value={result.res.created} />}
            {result.res.updated !== undefined && <Statistic title="更新" value={result.res.updated} />}
            {result.res.unchanged !== undefined && <Statistic title="未变" value={result.res.unchanged} />}
          </Space>
          {'indicators' in result.res && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="import-indicators">{t('indicatorsStale')}</Typography.Paragraph>}
        </Card>
      )}

      {result && !result.res.ok && (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="import-errors"
          title={<Typography.Text type="danger">{t('importFailed', { n: result.res.errorCount ?? errors.length })}</Typography.Text>}
          extra={(
            <Space wrap>
              {rejectedBatch && <Button icon={<FileExcelOutlined />} onClick={() => void downloadErrorsXlsx()} data-testid="download-errors-xlsx">{t('downloadErrorsXlsx')}</Button>}
              <Button icon={<DownloadOutlined />} onClick={downloadErrors} data-testid="download-errors">{t('downloadErrorsCsv')}</Button>
            </Space>
          )}>
          <Table<ImportIssue>
            size="small"
            rowKey={(e) => `${e.sheet}-${e.row}-${e.column}-${e.code}-${e.value}`}
            dataSource={errors}
            pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
            scroll={{ x: 760 }}
            columns={[
              { title: t('sheet'), dataIndex: 'sheet', key: 'sheet', width: 90, render: (v) => v ?? '—' },
              { title: t('row'), dataIndex: 'row', key: 'row', width: 60, align: 'right', render: (v) => v ?? '—' },
              { title: t('column'), dataIndex: 'column', key: 'column', width: 130, render: (v) => v ?? '—' },
              { title: t('value'), dataIndex: 'value', key: 'value', width: 180, render: (v) => <span className="num">{v ?? ''}</span> },
              { title: t('errorReason'), dataIndex: 'message', key: 'message' },
              { title: t('errorCode'), dataIndex: 'code', key: 'code', width: 150, render: (v: string) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{v}</Typography.Text> },
            ]}
          />
        </Card>
      )}

      {warnings.length > 0 && (
        <Card size="small" title={`${t('warnings')}（${warnings.length}）`}>
          <Table<ImportIssue> size="small" rowKey={(e) => `${e.sheet}-${e.row}-${e.column}-${e.code}`} dataSource={warnings} pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              { title: t('sheet'), dataIndex: 'sheet', width: 90 },
              { title: t('row'), dataIndex: 'row', width: 60 },
              { title: t('column'), dataIndex: 'column', width: 130 },
              { title: t('value'), dataIndex: 'value', width: 160 },
              { title: t('errorReason'), dataIndex: 'message' },
            ]} />
        </Card>
      )}
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Modal, Select, Switch, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { monitoringApi, type Standard } from '../api/monitoring';
import { can, useCurrentUser } from '../auth';
import { useI18n } from '../i18n';
import { notifySuccess, showError } from '../lib/notify';

interface EditValues { kind: string; year: number; value: number; source: string; verified: boolean; note?: string }

/** Standards by year with their sources; the city office enters and corrects them. */
export default function Standards() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['standards'], queryFn: monitoringApi.standards });
  const [editing, setEditing] = useState<Partial<Standard> | null>(null);
  const [form] = Form.useForm<EditValues>();
  const save = useMutation({
    mutationFn: (v: EditValues) => monitoringApi.setStandard(v.kind, v.year, { value: v.value, source: v.source, verified: v.verified, note: v.note ?? null, version: editing?.version }),
    onSuccess: () => { setEditing(null); notifySuccess(t('saved')); void qc.invalidateQueries({ queryKey: ['standards'] }); },
    onError: (e) => showError(e, t('saveFailed')),
  });
  const editable = can(me, 'standards.write');
  const columns: ColumnsType<Standard> = [
    { title: t('stdKind'), dataIndex: 'title' },
    { title: t('stdYear'), dataIndex: 'year', width: 80 },
    { title: t('stdValue'), dataIndex: 'value', width: 140, render: (v: number, r) => (r.unit === '比例' ? `${+(v * 100).toFixed(4)}%` : `${v} ${r.unit}`) },
    { title: t('stdSource'), dataIndex: 'source' },
    { title: t('stdVerified'), dataIndex: 'verified', width: 90, render: (v: boolean) => (v ? <Tag color="green">{t('stdVerifiedYes')}</Tag> : <Tag color="orange">{t('stdVerifiedNo')}</Tag>) },
    { title: t('stdEnteredBy'), dataIndex: 'enteredBy', width: 100 },
    ...(editable ? [{ title: '', key: 'act', width: 80, render: (_: unknown, r: Standard) => <Button size="small" onClick={() => { setEditing(r); form.setFieldsValue({ ...r, note: r.note ?? undefined }); }}>{t('stdEdit')}</Button> }] : []),
  ];
  return (
    <Card title={t('menuStandards')} extra={editable && <Button type="primary" onClick={() => { setEditing({}); form.resetFields(); }}>{t('stdAdd')}</Button>}>
      <Table rowKey={(r) => `${r.kind}:${r.year}`} size="small" loading={list.isFetching} columns={columns} dataSource={list.data?.items ?? []} pagination={false} />
      <Modal open={!!editing} title={editing?.kind ? t('stdEdit') : t('stdAdd')} onCancel={() => setEditing(null)} onOk={() => form.submit()} confirmLoading={save.isPending} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ verified: true }} onFinish={(v) => save.mutate(v)}>
          <Form.Item name="kind" label={t('stdKind')} rules={[{ required: true }]}>
            <Select disabled={!!editing?.kind} options={Object.entries(list.data?.kinds ?? {}).map(([value, k]) => ({ value, label: `${k.title}（${k.unit}）` }))} />
          </Form.Item>
          <Form.Item name="year" label={t('stdYear')} rules={[{ required: true }]}><InputNumber min={2010} max={2100} disabled={!!editing?.kind} /></Form.Item>
          <Form.Item name="value" label={t('stdValue')} rules={[{ required: true }]}><InputNumber style={{ width: 200 }} /></Form.Item>
          <Form.Item name="source" label={t('stdSource')} rules={[{ required: true, min: 4, message: t('stdSourceRequired') }]}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
          <Form.Item name="verified" label={t('stdVerified')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name="note" label={t('stdNote')}><Input maxLength={500} /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Result, Select, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import { monitoringApi } from '../api/monitoring';
import { LangSwitch } from '../components/LangSwitch';
import { useI18n } from '../i18n';

const KINDS = ['INCOME', 'MEDICAL', 'DIBAO', 'DISABILITY', 'DROPOUT', 'LABOUR_LOSS', 'DISASTER', 'OTHER'] as const;
const CITY = '620100000000';

interface Values { county?: string; township?: string; villageCode: string; name: string; phone: string; idNumber?: string; kind: string; description: string }

/** The public self-report form (no login): a household tells the village about a hardship. */
export default function SelfReport() {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const county = Form.useWatch('county', form);
  const township = Form.useWatch('township', form);
  const counties = useQuery({ queryKey: ['public-regions', CITY], queryFn: () => monitoringApi.publicChildren(CITY) });
  const townships = useQuery({ queryKey: ['public-regions', county], queryFn: () => monitoringApi.publicChildren(county!), enabled: !!county });
  const villages = useQuery({ queryKey: ['public-regions', township], queryFn: () => monitoringApi.publicChildren(township!), enabled: !!township });
  const [done, setDone] = useState<{ reference: string; deadline: string } | null>(null);
  const send = useMutation({
    mutationFn: (v: Values) => monitoringApi.selfReport({ name: v.name, phone: v.phone, idNumber: v.idNumber || undefined, villageCode: v.villageCode, kind: v.kind, description: v.description }),
    onSuccess: (r) => setDone(r),
    onError: (e) => {
      if (e instanceof ApiError && e.fieldErrors.length) form.setFields(e.fieldErrors.map((f) => ({ name: f.field.replace(/^body\./, '') as keyof Values, errors: [f.message] })));
    },
  });
  const opts = (xs: { code: string; name: string }[] | undefined) => (xs ?? []).map((x) => ({ value: x.code, label: x.name }));
  return (
    <div style={{ maxWidth: 640, margin: '24px auto', padding: 12 }}>
      <div style={{ textAlign: 'right' }}><LangSwitch /></div>
      <Card title={t('srTitle')}>
        {done ? (
          <Result status="success" title={t('srDone')} subTitle={t('srDoneDetail', { ref: done.reference.slice(-8).toUpperCase(), deadline: done.deadline })} />
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('srIntro')}</Typography.Paragraph>
            {send.error && !(send.error instanceof ApiError && send.error.fieldErrors.length) && <Alert type="error" showIcon message={send.error.message} style={{ marginBottom: 12 }} />}
            <Form form={form} layout="vertical" onFinish={(v) => send.mutate(v)}>
              <Form.Item name="county" label={t('county')} rules={[{ required: true, message: t('srPick') }]}>
                <Select options={opts(counties.data?.items)} onChange={() => form.setFieldsValue({ township: undefined, villageCode: undefined })} />
              </Form.Item>
              <Form.Item name="township" label={t('township')} rules={[{ required: true, message: t('srPick') }]}>
                <Select options={opts(townships.data?.items)} onChange={() => form.setFieldsValue({ villageCode: undefined })} />
              </Form.Item>
              <Form.Item name="villageCode" label={t('village')} rules={[{ required: true, message: t('srPick') }]}>
                <Select showSearch optionFilterProp="label" options={opts(villages.data?.items)} />
              </Form.Item>
              <Form.Item name="name" label={t('name')} rules={[{ required: true, min: 2, message: t('srName') }]}><Input maxLength={30} /></Form.Item>
              <Form.Item name="phone" label={t('phone')} rules={[{ required: true, pattern: /^1\d{10}$/, message: t('srPhone') }]}><Input maxLength={11} inputMode="tel" /></Form.Item>
              <Form.Item name="idNumber" label={t('srIdOptional')}><Input maxLength={18} /></Form.Item>
              <Form.Item name="kind" label={t('srKind')} rules={[{ required: true, message: t('srPick') }]}>
                <Select options={KINDS.map((k) => ({ value: k, label: t(`srKind_${k}`) }))} />
              </Form.Item>
              <Form.Item name="description" label={t('srDescription')} rules={[{ required: true, min: 4, message: t('srDescriptionRequired') }]}><Input.TextArea rows={4} maxLength={2000} /></Form.Item>
              <Button type="primary" htmlType="submit" loading={send.isPending} block>{t('srSubmit')}</Button>
            </Form>
          </>
        )}
      </Card>
    </div>
  );
}

import { DisconnectOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Card, DatePicker, Empty, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { assistanceKeys, useCadres, usePairings, type PairingView } from '../../api/assistance';
import { api } from '../../api/client';
import type { HouseholdView } from '../../api/types';
import { can, useCurrentUser } from '../../auth';
import { PageLoading } from '../../components/PageLoading';
import { useSaveError } from '../../components/useSaveError';
import { useI18n } from '../../i18n';
import { notifySuccess } from '../../lib/notify';

type Values = Record<string, unknown>;

/** 结对帮扶 on the household: who helps it (and who did), pair a cadre, end a pairing. */
export function PairingTab({ hh }: { hh: HouseholdView }) {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const p = usePairings(hh.id);
  const [mode, setMode] = useState<'add' | PairingView | null>(null);
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();
  const writable = can(me, 'cadres.write') && hh.povertyStatus !== '已剔除';
  const cadres = useCadres({ q: q || undefined, page: 1, pageSize: 50 }, mode === 'add');
  const refresh = useCallback(async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: assistanceKeys.pairings(hh.id) }), qc.invalidateQueries({ queryKey: assistanceKeys.summary(hh.id) }), qc.invalidateQueries({ queryKey: ['cadre'] })]);
  }, [qc, hh.id]);
  const onSaveError = useSaveError(async () => {
    setMode(null);
    await refresh();
  });
  if (p.isPending) return <PageLoading />;

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !mode) return;
    setBusy(true);
    try {
      if (mode === 'add') await api.post(`/api/households/${hh.id}/pairings`, { cadreId: v.cadreId, fromDate: (v.fromDate as dayjs.Dayjs).format('YYYY-MM-DD') });
      else await api.patch(`/api/households/${hh.id}/pairings/${mode.id}`, { version: mode.version, toDate: (v.toDate as dayjs.Dayjs).format('YYYY-MM-DD'), endReason: (v.endReason as string).trim() });
      setMode(null);
      await refresh();
      notifySuccess(t('saved'));
    } catch (e) {
      onSaveError(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('pairings')} data-testid="pairing-tab"
      extra={writable && <Button size="small" type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); form.setFieldsValue({ fromDate: dayjs() }); setMode('add'); }} data-testid="add-pairing">{t('pairCadre')}</Button>}>
      {(p.data ?? []).length === 0 ? <Empty description={t('noPairing')} /> : (
        <Table<PairingView> rowKey="id" size="small" pagination={false} dataSource={p.data} scroll={{ x: 640 }}
          columns={[
            { title: t('helper'), key: 'c', render: (_, x) => <Link to={`/cadres/${x.cadreId}`}>{x.cadreName}</Link> },
            { title: t('unit'), dataIndex: 'cadreUnit', key: 'u' },
            { title: t('fromDate'), dataIndex: 'fromDate', key: 'f', width: 104 },
            { title: t('toDate'), dataIndex: 'toDate', key: 't', width: 104, render: (v) => v ?? '—' },
            { title: t('itemStatus'), key: 's', width: 120, render: (_, x) => (x.active ? <Tag color="green">{t('activePairing')}</Tag> : <Tag>{t('ended')}{x.endReason ? `：${x.endReason}` : ''}</Tag>) },
            ...(writable ? [{ title: t('actions'), key: 'a', width: 80, render: (_: unknown, x: PairingView) => x.active && !x.toDate && <Button size="small" type="link" icon={<DisconnectOutlined />} onClick={() => { form.resetFields(); form.setFieldsValue({ toDate: dayjs() }); setMode(x); }}>{t('endPairing')}</Button> }] : []),
          ]} />
      )}
      <Modal open={mode !== null} title={mode === 'add' ? t('pairCadre') : t('endPairing')} onCancel={() => setMode(null)} onOk={() => void save()} okText={t('save')} cancelText={t('cancel')} confirmLoading={busy} forceRender>
        <Form form={form} layout="vertical" name="pairing">
          {mode === 'add' ? (
            <>
              <Form.Item name="cadreId" label={t('helper')} rules={[{ required: true, message: t('required') }]}>
                <Select showSearch filterOption={false} onSearch={setQ} loading={cadres.isFetching} placeholder={t('searchCadre')}
                  options={(cadres.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.unit}）· ${t('pairedCount', { n: c.activePairings })}` }))} />
              </Form.Item>
              <Form.Item name="fromDate" label={t('fromDate')} rules={[{ required: true, message: t('required') }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
            </>
          ) : (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Form.Item name="toDate" label={t('toDate')} rules={[{ required: true, message: t('required') }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
              <Form.Item name="endReason" label={t('endReason')} rules={[{ required: true, whitespace: true, message: t('required') }]}><Input maxLength={500} /></Form.Item>
            </Space>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

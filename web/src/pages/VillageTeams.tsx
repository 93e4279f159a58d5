import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Card, DatePicker, Descriptions, Empty, Form, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { assistanceKeys, useCadres, useVillageTeam, type TeamMemberView } from '../api/assistance';
import { api } from '../api/client';
import { useRegions } from '../api/queries';
import { can, useCurrentUser } from '../auth';
import { PageLoading } from '../components/PageLoading';
import { useSaveError } from '../components/useSaveError';
import { useI18n } from '../i18n';
import { notifySuccess } from '../lib/notify';

type Values = Record<string, unknown>;
const ROLES = ['第一书记', '队长', '队员'];

/** 驻村工作队和第一书记 (seed 五(四)): per village, who serves now and who served before. */
export default function VillageTeamsPage() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const regions = useRegions();
  const villages = useMemo(() => (regions.data ?? []).filter((r) => r.level === 'village'), [regions.data]);
  const code = params.get('village') ?? (me.regionCode.endsWith('000') ? undefined : me.regionCode);
  const team = useVillageTeam(code);
  const [mode, setMode] = useState<'add' | TeamMemberView | null>(null);
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();
  const cadres = useCadres({ q: q || undefined, page: 1, pageSize: 50 }, mode === 'add');
  const writable = can(me, 'cadres.write');
  const refresh = async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: assistanceKeys.team(code ?? '') }), qc.invalidateQueries({ queryKey: ['cadre'] })]);
  };
  const onSaveError = useSaveError(async () => {
    setMode(null);
    await refresh();
  });

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !mode || !code) return;
    setBusy(true);
    try {
      if (mode === 'add') await api.post(`/api/villages/${code}/team`, { cadreId: v.cadreId, role: v.role, fromDate: (v.fromDate as dayjs.Dayjs).format('YYYY-MM-DD') });
      else await api.patch(`/api/villages/${code}/team/${mode.id}`, { version: mode.version, toDate: (v.toDate as dayjs.Dayjs).format('YYYY-MM-DD') });
      setMode(null);
      await refresh();
      notifySuccess(t('saved'));
    } catch (e) {
      onSaveError(e, form);
    } finally {
      setBusy(false);
    }
  };

  const columns = [
    { title: t('name'), key: 'n', render: (_: unknown, x: TeamMemberView) => <Link to={`/cadres/${x.cadreId}`}>{x.cadreName}</Link> },
    { title: t('unit'), dataIndex: 'cadreUnit', key: 'u' },
    { title: t('teamRole'), dataIndex: 'role', key: 'r', render: (v: string) => <Tag color={v === '第一书记' ? 'red' : v === '队长' ? 'volcano' : 'default'}>{v}</Tag> },
    { title: t('fromDate'), dataIndex: 'fromDate', key: 'f', width: 104 },
    { title: t('toDate'), dataIndex: 'toDate', key: 't', width: 104, render: (v: string | null) => v ?? '—' },
    ...(writable ? [{ title: t('actions'), key: 'a', width: 90, render: (_: unknown, x: TeamMemberView) => x.active && !x.toDate && <Button size="small" type="link" onClick={() => { form.resetFields(); form.setFieldsValue({ toDate: dayjs() }); setMode(x); }}>{t('endTerm')}</Button> }] : []),
  ];

  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('teamsTitle')}</Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Select showSearch optionFilterProp="label" style={{ width: 320, maxWidth: '100%' }} placeholder={t('pickVillage')} value={code} loading={regions.isPending} aria-label={t('village')}
            onChange={(v) => setParams({ village: v }, { replace: true })} options={villages.map((v) => ({ value: v.code, label: `${v.name}（${v.code}）` }))} data-testid="team-village" />
          {writable && code && <Button type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); form.setFieldsValue({ fromDate: dayjs(), role: '队员' }); setMode('add'); }} data-testid="add-team-member">{t('addTeamMember')}</Button>}
        </Space>
      </Card>
      {!code ? <Empty description={t('pickVillage')} /> : team.isPending ? <PageLoading /> : !team.data ? <Empty /> : (
        <>
          <Card size="small" title={team.data.villageName} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('firstSecretary')}><span data-testid="first-secretary">{team.data.firstSecretary ? `${team.data.firstSecretary.cadreName}（${team.data.firstSecretary.cadreUnit ?? ''}）` : t('notAssigned')}</span></Descriptions.Item>
              <Descriptions.Item label={t('teamSize')}>{team.data.members.length}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" title={t('currentTeam')} style={{ marginBottom: 12 }}>
            <Table<TeamMemberView> rowKey="id" size="small" pagination={false} dataSource={team.data.members} columns={columns} scroll={{ x: 640 }} data-testid="team-members" />
          </Card>
          <Card size="small" title={t('teamHistory')}>
            <Table<TeamMemberView> rowKey="id" size="small" pagination={false} dataSource={team.data.history} columns={columns.filter((c) => c.key !== 'a')} scroll={{ x: 640 }} />
          </Card>
        </>
      )}
      <Modal open={mode !== null} title={mode === 'add' ? t('addTeamMember') : t('endTerm')} onCancel={() => setMode(null)} onOk={() => void save()} okText={t('save')} cancelText={t('cancel')} confirmLoading={busy} forceRender>
        <Form form={form} layout="vertical" name="team">
          {mode === 'add' ? (
            <>
              <Form.Item name="cadreId" label={t('helper')} rules={[{ required: true, message: t('required') }]}>
                <Select showSearch filterOption={false} onSearch={setQ} loading={cadres.isFetching} placeholder={t('searchCadre')} options={(cadres.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.unit}）` }))} />
              </Form.Item>
              <Form.Item name="role" label={t('teamRole')} rules={[{ required: true, message: t('required') }]}><Select options={ROLES.map((r) => ({ value: r, label: r }))} /></Form.Item>
              <Form.Item name="fromDate" label={t('fromDate')} rules={[{ required: true, message: t('required') }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
            </>
          ) : (
            <Form.Item name="toDate" label={t('toDate')} rules={[{ required: true, message: t('required') }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}

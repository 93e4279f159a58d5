import { CheckOutlined, CloseOutlined, FileAddOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, Modal, Result, Row, Select, Space, Table, Tag, Tooltip, TreeSelect, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { KINDS } from '../../../src/modules/comparison/kinds';
import { FINDING_CODES, RULES, type FindingCode } from '../../../src/modules/comparison/rules';
import { api } from '../api/client';
import { useFindings, useRegions, type FindingQuery } from '../api/queries';
import type { Finding } from '../api/types';
import { can, useCurrentUser } from '../auth';
import { useI18n, type MsgKey } from '../i18n';
import { fmtTime } from '../lib/format';
import { notifySuccess, showError } from '../lib/notify';
import { buildRegionTree } from '../lib/regions';
import { codeTitle, kindLabel } from './ComparisonUpload';

export const FINDING_STATUSES = ['open', 'confirmed', 'dismissed', 'closed'] as const;
export const STATUS_TAG: Record<string, string> = { open: 'orange', confirmed: 'red', dismissed: 'default', closed: 'blue' };

/** The query lives in the URL (shareable; the region tree on the left sets `region`). */
function useFindingQuery(): [FindingQuery, (patch: Partial<Record<keyof FindingQuery, unknown>>) => void] {
  const [params, setParams] = useSearchParams();
  const q: FindingQuery = {
    kind: params.get('kind') ?? undefined,
    code: params.get('code') ?? undefined,
    region: params.get('region') ?? undefined,
    status: params.get('status') ?? undefined,
    datasetId: params.get('datasetId') ?? undefined,
    page: Number(params.get('page') ?? 1) || 1,
    pageSize: Number(params.get('pageSize') ?? 20) || 20,
  };
  const update = (patch: Partial<Record<keyof FindingQuery, unknown>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next);
  };
  return [q, update];
}

/** The evidence row as "列: 值" pairs (the department file's columns, as normalised). */
function Evidence({ e }: { e: unknown }) {
  if (!e || typeof e !== 'object') return null;
  const obj = e as Record<string, unknown>;
  const rows = Array.isArray(obj['结算记录']) ? (obj['结算记录'] as unknown[]) : null;
  const pairs = Object.entries(obj).filter(([k]) => k !== '结算记录' && k !== '证件号码' && k !== '姓名');
  return (
    <span className="evidence">
      {pairs.map(([k, v]) => (
        <span key={k} style={{ marginInlineEnd: 10, whiteSpace: 'nowrap' }}>
          <Typography.Text type="secondary">{k}</Typography.Text> {v === null || v === undefined ? '—' : String(v)}
        </span>
      ))}
      {rows && <Typography.Text type="secondary">（{rows.length} 条结算记录）</Typography.Text>}
    </span>
  );
}

/** Findings in the user's scope, filtered by kind, rule, region and status; village/township/county cadres verify them (the city office those about people from outside Lanzhou). */
export default function ComparisonFindings() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const qc = useQueryClient();
  const [q, update] = useFindingQuery();
  const regions = useRegions();
  const data = useFindings(q);
  const [verifying, setVerifying] = useState<{ f: Finding; decision: 'confirm' | 'dismiss' } | null>(null);
  const [reason, setReason] = useState('');
  const [openingAll, setOpeningAll] = useState(false);
  const [village, setVillage] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [opening, setOpening] = useState<string | null>(null);

  const tree = useMemo(() => {
    interface Node { value: string; title: string; children?: Node[] }
    const toTree = (nodes: ReturnType<typeof buildRegionTree>): Node[] =>
      nodes.map((n) => ({ value: n.key, title: n.title, children: n.children ? toTree(n.children) : undefined }));
    return toTree(buildRegionTree(regions.data ?? []));
  }, [regions.data]);
  // The candidate's village: only villages (12 digits, not ending in 000) can be picked.
  const villageTree = useMemo(() => {
    interface Node { value: string; title: string; selectable: boolean; children?: Node[] }
    const toTree = (nodes: ReturnType<typeof buildRegionTree>): Node[] =>
      nodes.map((n) => ({ value: n.key, title: n.title, selectable: !n.key.endsWith('000'), children: n.children ? toTree(n.children) : undefined }));
    return toTree(buildRegionTree(regions.data ?? []));
  }, [regions.data]);
  const regionName = useMemo(() => new Map((regions.data ?? []).map((r) => [r.code, r.name])), [regions.data]);

  if (!can(me, 'comparison.read')) return <Result status="403" title={t('noPermission')} />;
  // Cadres verify their findings; the city office those about people from outside Lanzhou (county 000000), routed to it.
  const mayVerify = (f: Finding) => can(me, 'comparison.verify') || (can(me, 'comparison.verify-outside') && f.countyCode === '000000');
  const mayOpen = can(me, 'comparison.verify') && can(me, 'review.propose');
  const needsVillage = verifying?.decision === 'confirm' && verifying.f.opens === 'identification-candidate';

  const submit = async () => {
    if (!verifying) return;
    if (reason.trim().length < 2) {
      showError(new Error(t('cmpReasonRequired')), t('cmpReasonRequired'));
      return;
    }
    if (needsVillage && !village) {
      showError(new Error(t('cmpCandidateVillageRequired')), t('cmpCandidateVillageRequired'));
      return;
    }
    setSaving(true);
    try {
      await api.post<Finding>(`/api/comparison/findings/${verifying.f.id}/verify`, {
        decision: verifying.decision, reason: reason.trim(), version: verifying.f.version, ...(needsVillage ? { villageCode: village } : {}),
      });
      notifySuccess(verifying.decision === 'confirm' ? t('cmpConfirmed') : t('cmpDismissed'));
      setVerifying(null);
      setReason('');
      await qc.invalidateQueries({ queryKey: ['comparison'] });
    } catch (e) {
      showError(e, '核实失败');
      await qc.invalidateQueries({ queryKey: ['comparison', 'findings'] });
    } finally {
      setSaving(false);
    }
  };

  const openNow = async (f: Finding) => {
    setOpening(f.id);
    try {
      const after = await api.post<Finding>(`/api/comparison/findings/${f.id}/open`);
      notifySuccess(`${t('cmpOpenedNow')} ${after.openedProposalNumber ?? ''}`);
    } catch (e) {
      showError(e, t('cmpOpenNow'));
    } finally {
      setOpening(null);
      await qc.invalidateQueries({ queryKey: ['comparison', 'findings'] });
    }
  };

  /** 「全部立即申报」: every pending removal in scope; what could not be opened is listed with its reason. */
  const openAllPending = async () => {
    setOpeningAll(true);
    try {
      const r = await api.post<{ pending: number; opened: unknown[]; refused: { id: string; code: string; message: string }[] }>('/api/comparison/findings/open-pending');
      const text = t('cmpOpenAllResult', { pending: r.pending, opened: r.opened.length, refused: r.refused.length });
      if (r.refused.length) {
        Modal.warning({
          title: text,
          content: <ul style={{ paddingLeft: 18 }} data-testid="open-all-refused">{[...new Set(r.refused.map((x) => x.message))].map((m) => <li key={m}>{m}</li>)}</ul>,
        });
      } else notifySuccess(text);
    } catch (e) {
      showError(e, t('cmpOpenAllPending'));
    } finally {
      setOpeningAll(false);
      await qc.invalidateQueries({ queryKey: ['comparison', 'findings'] });
    }
  };

  /** What a confirmed finding opened, with a link: the proposal's review page, the candidates list, the monitoring page. */
  const opened = (r: Finding) => {
    if (r.status !== 'confirmed' || !r.openState) return '—';
    const label = t(`cmpOpenState_${r.openState}` as MsgKey);
    switch (r.openState) {
      case 'created':
      case 'linked':
        return (
          <span data-testid="finding-opened">
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{label}</Typography.Text><br />
            {r.openedProposalId ? <Link to={`/review/proposals/${r.openedProposalId}`}>{r.openedProposalNumber}</Link> : r.openedProposalNumber}
          </span>
        );
      case 'pending':
      case 'blocked':
        return (
          <span data-testid="finding-opened">
            <Tooltip title={r.openNote}><Tag color={r.openState === 'pending' ? 'gold' : 'red'}>{label}</Tag></Tooltip>
            {mayOpen && (
              <Button size="small" icon={<FileAddOutlined />} loading={opening === r.id} onClick={() => void openNow(r)} data-testid="finding-open-now" style={{ marginTop: 4 }}>
                {t('cmpOpenNow')}
              </Button>
            )}
          </span>
        );
      case 'candidate':
        return (
          <span data-testid="finding-opened">
            <Link to="/review?tab=candidates">{label}</Link>
            {r.candidate?.proposalId && <><br /><Link to={`/review/proposals/${r.candidate.proposalId}`}>{r.candidate.proposalNumber}</Link></>}
          </span>
        );
      case 'scan':
        return <Link to="/monitoring" data-testid="finding-opened">{label}</Link>;
      default:
        return label;
    }
  };

  const codes = q.kind ? FINDING_CODES.filter((c) => RULES[c].kind === q.kind) : FINDING_CODES;
  const statusLabel = (s: string) => t(`cmpStatus_${s}` as MsgKey);
  const columns: ColumnsType<Finding> = [
    {
      title: t('cmpCode'), dataIndex: 'code', key: 'code', width: 230, fixed: 'left',
      render: (c: string) => <span><Tag color="volcano">{c}</Tag><br /><Typography.Text style={{ fontSize: 12 }}>{codeTitle(c)}</Typography.Text></span>,
    },
    { title: t('name'), dataIndex: 'name', key: 'name', width: 90 },
    { title: t('idNumber'), dataIndex: 'idNumber', key: 'idNumber', width: 175, render: (v: string) => <span className="num">{v}</span> },
    {
      title: t('householdNumber'), dataIndex: 'householdNumber', key: 'householdNumber', width: 160,
      render: (v: string | null, r) => (v && r.householdId ? <Link to={`/households/${r.householdId}`}>{v}</Link> : '—'),
    },
    {
      title: t('village'), dataIndex: 'villageCode', key: 'villageCode', width: 170, ellipsis: true,
      render: (v: string | null, r) => (v ? regionName.get(v) ?? v : r.countyCode === '000000' ? t('cmpOutsideLanzhou') : regionName.get(r.countyCode + '000000') ?? r.countyCode),
    },
    { title: t('cmpYear'), dataIndex: 'year', key: 'year', width: 70 },
    { title: t('cmpEvidence'), dataIndex: 'evidence', key: 'evidence', width: 360, render: (e: unknown) => <Evidence e={e} /> },
    {
      title: t('cmpStatus'), dataIndex: 'status', key: 'status', width: 90,
      render: (s: string) => <Tag color={STATUS_TAG[s] ?? 'default'} data-testid="finding-status">{statusLabel(s)}</Tag>,
    },
    {
      title: t('cmpVerification'), key: 'verify', width: 220,
      render: (_: unknown, r) => (r.status === 'open' ? (mayVerify(r) ? (
        <Space>
          <Button size="small" danger icon={<CheckOutlined />} onClick={() => { setReason(''); setVillage(me.role === 'village' ? me.regionCode : undefined); setVerifying({ f: r, decision: 'confirm' }); }} data-testid="finding-confirm">{t('cmpConfirm')}</Button>
          <Button size="small" icon={<CloseOutlined />} onClick={() => { setReason(''); setVerifying({ f: r, decision: 'dismiss' }); }} data-testid="finding-dismiss">{t('cmpDismiss')}</Button>
        </Space>
      ) : '—') : (
        <span style={{ fontSize: 12 }}>
          {r.reason && <div>{r.reason}</div>}
          {r.verifiedByName && <Typography.Text type="secondary">{r.verifiedByName} {fmtTime(r.verifiedAt)}</Typography.Text>}
        </span>
      )),
    },
    { title: t('cmpOpened'), key: 'opened', width: 190, render: (_: unknown, r) => opened(r) },
  ];

  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('cmpFindingsTitle')}</Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form layout="vertical" className="filter-form" name="finding-filters">
          <Row gutter={12}>
            <Col xs={24} sm={12} xl={6}>
              <Form.Item label={t('cmpKind')}>
                <Select allowClear value={q.kind} placeholder={t('any')} data-testid="filter-kind"
                  options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
                  onChange={(v?: string) => update({ kind: v, code: v && q.code && RULES[q.code as FindingCode]?.kind !== v ? undefined : q.code })} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} xl={6}>
              <Form.Item label={t('cmpCode')}>
                <Select allowClear showSearch optionFilterProp="label" value={q.code} placeholder={t('any')} data-testid="filter-code"
                  options={codes.map((c) => ({ value: c, label: `${c} ${RULES[c].title}` }))} onChange={(v?: string) => update({ code: v })} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} xl={6}>
              <Form.Item label={t('region')}>
                <TreeSelect allowClear showSearch treeNodeFilterProp="title" value={q.region} placeholder={t('allScope')} data-testid="filter-region"
                  treeData={tree} onChange={(v?: string) => update({ region: v })} styles={{ popup: { root: { maxHeight: 400, overflow: 'auto' } } }} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} xl={4}>
              <Form.Item label={t('cmpStatus')}>
                <Select allowClear value={q.status} placeholder={t('any')} data-testid="filter-status"
                  options={FINDING_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))} onChange={(v?: string) => update({ status: v })} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} xl={2} style={{ display: 'flex', alignItems: 'end', paddingBottom: 24 }}>
              <Button icon={<ReloadOutlined />} onClick={() => update({ kind: undefined, code: undefined, region: undefined, status: undefined, datasetId: undefined })}>{t('reset')}</Button>
            </Col>
          </Row>
        </Form>
        {mayOpen && (
          <Space style={{ marginBottom: 8 }}>
            <Button icon={<FileAddOutlined />} loading={openingAll} onClick={() => void openAllPending()} data-testid="open-all-pending">{t('cmpOpenAllPending')}</Button>
          </Space>
        )}
        {q.datasetId && (
          <Alert type="info" showIcon title={`${t('cmpDataset')}：${q.datasetId}`}
            action={<Button size="small" onClick={() => update({ datasetId: undefined })}>{t('cmpClearDataset')}</Button>} />
        )}
      </Card>
      <Card size="small">
        <Table<Finding>
          rowKey="id"
          size="small"
          data-testid="findings-table"
          columns={columns}
          dataSource={data.data?.items ?? []}
          loading={data.isFetching}
          scroll={{ x: 1750 }}
          pagination={{
            current: q.page, pageSize: q.pageSize, total: data.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
            showTotal: (n) => <span data-testid="findings-total">{t('cmpTotalFindings', { n: n.toLocaleString('zh-CN') })}</span>,
          }}
          onChange={(p) => update({ page: p.current === 1 ? undefined : p.current, pageSize: p.pageSize === 20 ? undefined : p.pageSize })}
          footer={() => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('maskedNote')}</Typography.Text>}
        />
      </Card>
      <Modal
        open={!!verifying}
        title={verifying ? t('cmpVerifyTitle', { name: verifying.f.name ?? '', code: codeTitle(verifying.f.code) }) : ''}
        okText={verifying?.decision === 'confirm' ? t('cmpConfirm') : t('cmpDismiss')}
        okButtonProps={{ danger: verifying?.decision === 'confirm', loading: saving, 'data-testid': 'verify-ok' } as ButtonProps}
        onOk={() => void submit()}
        onCancel={() => setVerifying(null)}
        destroyOnHidden
      >
        {verifying?.decision === 'confirm' && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('cmpOpens', { what: t(`cmpOpens_${verifying.f.opens}` as MsgKey) })} />
        )}
        <Typography.Paragraph><Evidence e={verifying?.f.evidence} /></Typography.Paragraph>
        <Form layout="vertical">
          {needsVillage && (
            <Form.Item label={t('cmpCandidateVillage')} required>
              <TreeSelect showSearch treeNodeFilterProp="title" value={village} onChange={(v?: string) => setVillage(v)} treeData={villageTree}
                data-testid="verify-village" styles={{ popup: { root: { maxHeight: 400, overflow: 'auto' } } }} />
            </Form.Item>
          )}
          <Form.Item label={t('cmpReason')} required>
            <Input.TextArea rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="verify-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

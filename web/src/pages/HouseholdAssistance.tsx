import { ArrowLeftOutlined, TeamOutlined } from '@ant-design/icons';
import { Button, Result, Space, Tabs, Tag, Typography } from 'antd';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useCatalog } from '../api/assistance';
import { ApiError } from '../api/client';
import { useHousehold } from '../api/queries';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';
import { STATUS_COLORS } from '../lib/format';
import { BenefitsTab } from './assistance/BenefitsTab';
import { LianbuchouTab } from './assistance/LianbuchouTab';
import { PairingTab } from './assistance/PairingTab';
import { PlanTab } from './assistance/PlanTab';

const TABS = ['plan', 'benefits', 'lianbuchou', 'pairing'] as const;

/** 帮扶 of one household: 一户一策 plan, 享受政策 ledger, 两不愁三保障, pairing — one tab each (?tab=). */
export default function HouseholdAssistance() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const h = useHousehold(id);
  const catalog = useCatalog();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? params.get('tab')! : 'plan';
  const year = params.get('year') ? Number(params.get('year')) : null;
  const go = (next: { tab?: string; year?: number | null }) => {
    const p = new URLSearchParams(params);
    if (next.tab) p.set('tab', next.tab);
    if (next.year !== undefined) {
      if (next.year === null) p.delete('year');
      else p.set('year', String(next.year));
    }
    setParams(p, { replace: true });
  };

  if (h.isPending) return <PageLoading />;
  if (h.error) return <Result status={h.error instanceof ApiError && h.error.status === 404 ? '404' : 'error'} title={h.error.message} extra={<Button onClick={() => navigate('/households')}>{t('menuHouseholds')}</Button>} />;
  const hh = h.data;
  const head = hh.members.find((m) => m.relation === '户主' && !m.leftAt);

  return (
    <div>
      <Space wrap style={{ marginBottom: 8, justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} className="page-title" style={{ marginBottom: 0 }} data-testid="assistance-title">
          {t('assistanceOf')} · {head?.name ?? '—'} · {hh.householdNumber} <Tag color={STATUS_COLORS[hh.povertyStatus]}>{hh.povertyStatus}</Tag>
        </Typography.Title>
        <Space wrap>
          <Link to={`/households/${id}`}><Button icon={<ArrowLeftOutlined />}>{t('backToHousehold')}</Button></Link>
          <Link to={`/teams?village=${hh.villageCode}`}><Button icon={<TeamOutlined />}>{t('villageTeam')}</Button></Link>
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>{[hh.countyName, hh.townshipName, hh.villageName].filter(Boolean).join(' ')}</Typography.Paragraph>
      <Tabs activeKey={tab} onChange={(k) => go({ tab: k })} destroyOnHidden
        items={[
          { key: 'plan', label: t('tabPlan'), children: <PlanTab hh={hh} catalog={catalog.data} planYear={year} onYear={(y) => go({ year: y })} /> },
          { key: 'benefits', label: t('tabBenefits'), children: <BenefitsTab hh={hh} catalog={catalog.data} /> },
          { key: 'lianbuchou', label: t('tabLianbuchou'), children: <LianbuchouTab hh={hh} catalog={catalog.data} onOpenPlan={(y) => go({ tab: 'plan', year: y })} /> },
          { key: 'pairing', label: t('tabPairing'), children: <PairingTab hh={hh} /> },
        ]} />
    </div>
  );
}

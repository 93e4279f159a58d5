import { SolutionOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Space, Tag } from 'antd';
import { Link } from 'react-router';
import { useAssistanceSummary } from '../../api/assistance';
import { can, useCurrentUser } from '../../auth';
import { useI18n } from '../../i18n';
import { DIM_STATUS } from './shared';

const DIM_TITLES: Record<string, string> = { food: '吃', clothing: '穿', education: '教育', medical: '医疗', housing: '住房', water: '饮水' };

/** On the household page: who helps the household, this year's plan and the last 两不愁三保障 check. */
export function AssistanceBrief({ householdId }: { householdId: string }) {
  const { t } = useI18n();
  const me = useCurrentUser();
  const allowed = can(me, 'assistance.read');
  const s = useAssistanceSummary(householdId, allowed);
  if (!allowed) return null;
  const d = s.data;
  const base = `/households/${householdId}/assistance`;
  return (
    <Card size="small" title={t('tabAssistance')} style={{ marginBottom: 12 }} data-testid="assistance-brief"
      extra={<Link to={base}><Button size="small" type="primary" icon={<SolutionOutlined />} data-testid="open-assistance">{t('openAssistance')}</Button></Link>}>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('helper')}>
          <span data-testid="brief-helpers">{d?.helpers.length ? d.helpers.map((h) => <Link key={h.pairingId} to={`/cadres/${h.cadreId}`} style={{ marginInlineEnd: 8 }}>{h.name}（{h.unit}）</Link>) : t('noPairing')}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('tabPlan')}>
          {d?.currentPlan ? (
            <Link to={`${base}?tab=plan&year=${d.currentPlan.year}`}>
              {t('planOf', { y: d.currentPlan.year })} <Tag color={d.currentPlan.status === 'approved' ? 'green' : 'orange'}>{d.currentPlan.status === 'approved' ? t('approved') : t('draft')}</Tag>
              {t('measuresCount', { n: d.currentPlan.measures.length })}
            </Link>
          ) : t('noPlan')}
        </Descriptions.Item>
        <Descriptions.Item label={t('tabLianbuchou')}>
          {d?.latestAssessment ? (
            <Space size={2} wrap>
              <Link to={`${base}?tab=lianbuchou`}>{d.latestAssessment.checkedOn}</Link>
              {Object.entries(d.latestAssessment.statuses).map(([k, v]) => <Tag key={k} color={DIM_STATUS[v]?.color}>{DIM_TITLES[k] ?? k}</Tag>)}
            </Space>
          ) : t('noAssessment')}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

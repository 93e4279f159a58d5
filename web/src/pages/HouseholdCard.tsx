import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Result } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { useAssistanceSummary, useBenefits } from '../api/assistance';
import { useHousehold } from '../api/queries';
import { can, useCurrentUser } from '../auth';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';
import { fmtMoney, yesNo } from '../lib/format';

/**
 * 明白卡: the household card a cadre prints on A4 and leaves with the family. The helper, the
 * plan and the policies come from the assistance module; what is not entered says 「暂未录入」
 * rather than inventing anything. Personal data stays masked.
 */
export default function HouseholdCard() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const h = useHousehold(id);
  const me = useCurrentUser();
  const assistance = can(me, 'assistance.read');
  const summary = useAssistanceSummary(id, assistance);
  const benefits = useBenefits(id, assistance);
  // The card is printed: wait for the plan and the policies too, so it never shows 「暂未录入」 for data still loading.
  if (h.isPending || (assistance && (summary.isPending || benefits.isPending))) return <PageLoading />;
  if (h.error) return <Result status="404" title={h.error.message} />;
  const hh = h.data;
  const members = hh.members.filter((m) => !m.leftAt);
  const head = members.find((m) => m.relation === '户主');
  const income = hh.incomes[0];
  const pending = <span className="pending">{t('notEntered')}</span>;
  const plan = summary.data?.currentPlan ?? null;
  const helpers = summary.data?.helpers ?? [];
  const received = (benefits.data?.items ?? []).filter((b) => !b.voidedAt).slice(0, 8);
  const today = new Date();

  return (
    <div className="card-page">
      <div className="card-toolbar no-print">
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/households/${id}`)}>{t('back')}</Button>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} autoFocus>{t('print')}</Button>
      </div>
      <article className="card-sheet" data-testid="household-card">
        <h1>{t('cardTitle')}</h1>
        <div className="card-sub">{t('cardSubtitle')} · 户编号 {hh.householdNumber}</div>

        <table>
          <tbody>
            <tr>
              <th>户主姓名</th><td>{head?.name ?? '—'}</td>
              <th>家庭人口</th><td>{members.length} 人</td>
            </tr>
            <tr>
              <th>{t('address')}</th>
              <td colSpan={3}>甘肃省兰州市 {[hh.countyName, hh.townshipName, hh.villageName, hh.naturalVillage].filter(Boolean).join(' ')}</td>
            </tr>
            <tr>
              <th>贫困户属性</th><td>{hh.category}</td>
              <th>脱贫属性</th><td>{hh.povertyStatus}{hh.exitYear ? `（${hh.exitYear} 年脱贫）` : ''}</td>
            </tr>
            <tr>
              <th>识别年度</th><td>{hh.identificationYear}</td>
              <th>主要致贫原因</th><td>{hh.mainCause}{hh.otherCauses?.length ? `；${hh.otherCauses.join('、')}` : ''}</td>
            </tr>
            <tr>
              <th>危房户</th><td>{yesNo(hh.dangerousHouse)}</td>
              <th>安全饮水</th><td>{yesNo(hh.safeWater)}</td>
            </tr>
            <tr>
              <th>人均纯收入</th>
              <td colSpan={3}>{income ? `${fmtMoney(income.perCapitaNet)} 元（${income.year} 年，${income.householdSize} 人）` : pending}</td>
            </tr>
          </tbody>
        </table>

        <h2>{t('members')}</h2>
        <table>
          <thead>
            <tr><th>姓名</th><th>与户主关系</th><th>性别</th><th>年龄</th><th>证件号码</th><th>健康状况</th><th>劳动技能</th><th>在校生状况</th></tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td><td>{m.relation}</td><td>{m.sex}</td><td>{m.age}</td><td>{m.idNumber}</td>
                <td>{m.health ?? '—'}</td><td>{m.labourSkill ?? '—'}</td><td>{m.schoolStatus ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>

        <h2>{t('planHeadline')}</h2>
        <table>
          <tbody>
            {plan ? (
              <>
                <tr><th>计划年度</th><td>{plan.year} 年（{plan.status === 'approved' ? '已审核' : '草稿'}）</td><th>收入目标</th><td>{plan.incomeTarget === null ? '—' : `${fmtMoney(plan.incomeTarget)} 元/人`}</td></tr>
                <tr><th>帮扶措施</th><td colSpan={3}>{plan.measures.filter((m) => m.status !== 'cancelled').map((m) => `${m.title ?? m.measureCode}（${m.clause ?? ''}）`).join('；') || '—'}</td></tr>
              </>
            ) : <tr><td>{pending}</td></tr>}
          </tbody>
        </table>

        <h2>{t('helper')}</h2>
        <table>
          <tbody>
            {helpers.length ? helpers.map((x) => <tr key={x.pairingId}><th>姓名</th><td>{x.name}</td><th>工作单位</th><td>{x.unit}</td></tr>)
              : <tr><th>姓名</th><td>{pending}</td><th>工作单位</th><td>{pending}</td></tr>}
          </tbody>
        </table>

        <h2>{t('policies')}</h2>
        <table>
          <tbody>
            {received.length ? received.map((b) => <tr key={b.id}><td>{b.paidOn}</td><td>{b.measureTitle ?? b.measureCode}</td><td>{fmtMoney(b.amount)} 元</td><td>{b.department}</td></tr>)
              : <tr><td>{pending}</td></tr>}
          </tbody>
        </table>

        <h2>{t('contact')}</h2>
        <table>
          <tbody>
            <tr><th>户联系电话</th><td>{hh.phone ?? '—'}</td><th>{t('villageContact')}</th><td>{pending}</td></tr>
            <tr><th>扶贫监督举报电话</th><td colSpan={3}>12317（国务院扶贫办监督举报电话）</td></tr>
          </tbody>
        </table>

        <div className="card-foot">
          {t('cardNote')} 打印日期：{today.getFullYear()} 年 {today.getMonth() + 1} 月 {today.getDate()} 日。
        </div>
      </article>
    </div>
  );
}

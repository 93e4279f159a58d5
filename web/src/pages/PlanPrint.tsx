import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Result } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { useCatalog, usePlan } from '../api/assistance';
import { useHousehold } from '../api/queries';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';
import { fmtMoney } from '../lib/format';

/** 一户一策 printed on A4: goals, helper, measures with clause and money by source, review. */
export default function PlanPrint() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const plan = usePlan(id);
  const h = useHousehold(plan.data?.householdId ?? '');
  const cat = useCatalog();
  if (plan.isPending || (plan.data && h.isPending)) return <PageLoading />;
  if (plan.error) return <Result status="404" title={plan.error.message} />;
  if (!plan.data || !h.data) return <Result status="404" title={t('notFound')} />;
  const p = plan.data;
  const hh = h.data;
  const members = hh.members.filter((m) => !m.leftAt);
  const head = members.find((m) => m.relation === '户主');
  const source = (k: string) => cat.data?.fundingSources.find((s) => s.code === k)?.label ?? k;
  const status = (k: string) => cat.data?.measureStatuses.find((s) => s.code === k)?.label ?? k;
  const dims = p.closeDimensions.map((d) => cat.data?.dimensions.find((x) => x.dimension === d)?.title ?? d);
  const income = hh.incomes[0];
  const today = new Date();

  return (
    <div className="card-page">
      <div className="card-toolbar no-print">
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/households/${hh.id}/assistance?tab=plan&year=${p.year}`)}>{t('back')}</Button>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} autoFocus>{t('print')}</Button>
      </div>
      <article className="card-sheet" data-testid="plan-print">
        <h1>{t('planPrintTitle', { y: p.year })}</h1>
        <div className="card-sub">一户一策 · 户编号 {hh.householdNumber} · {p.status === 'approved' ? '已审核' : '草稿（未审核）'}</div>
        <table>
          <tbody>
            <tr><th>户主姓名</th><td>{head?.name ?? '—'}</td><th>家庭人口</th><td>{members.length} 人</td></tr>
            <tr><th>{t('address')}</th><td colSpan={3}>甘肃省兰州市 {[hh.countyName, hh.townshipName, hh.villageName, hh.naturalVillage].filter(Boolean).join(' ')}</td></tr>
            <tr><th>贫困户属性</th><td>{hh.category}</td><th>主要致贫原因</th><td>{hh.mainCause}</td></tr>
            <tr><th>人均纯收入</th><td>{income ? `${fmtMoney(income.perCapitaNet)} 元（${income.year} 年）` : '—'}</td><th>收入目标</th><td>{p.incomeTarget === null ? '—' : `${fmtMoney(p.incomeTarget)} 元/人`}</td></tr>
            <tr><th>补齐短板</th><td colSpan={3}>{dims.length ? dims.join('、') : '—'}</td></tr>
            <tr><th>帮扶责任人</th><td colSpan={3}>{p.responsibleCadreName ?? '—'}</td></tr>
          </tbody>
        </table>
        <h2>帮扶措施</h2>
        <table>
          <thead><tr><th>序号</th><th>措施</th><th>依据条款</th><th>受益人</th><th>资金（元）及来源</th><th>状态</th></tr></thead>
          <tbody>
            {p.measures.length === 0 && <tr><td colSpan={6}>—</td></tr>}
            {p.measures.map((m, i) => (
              <tr key={m.id}>
                <td>{i + 1}</td>
                <td>{m.title ?? m.measureCode}{m.description ? <div style={{ fontSize: '9.5pt' }}>{m.description}</div> : null}</td>
                <td>{m.clause}</td>
                <td>{m.memberName ?? '全户'}</td>
                <td>{fmtMoney(m.amountTotal)}{Object.keys(m.funding).length > 0 && <div style={{ fontSize: '9.5pt' }}>{Object.entries(m.funding).map(([k, v]) => `${source(k)} ${fmtMoney(v)}`).join('；')}</div>}</td>
                <td>{status(m.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>资金合计</h2>
        <table>
          <tbody>
            {Object.entries(p.totals.bySource).map(([k, v]) => <tr key={k}><th>{source(k)}</th><td>{fmtMoney(v)} 元</td></tr>)}
            <tr><th>合计</th><td><b>{fmtMoney(p.totals.total)} 元</b></td></tr>
          </tbody>
        </table>
        {p.notes && <><h2>备注</h2><table><tbody><tr><td>{p.notes}</td></tr></tbody></table></>}
        <h2>审核</h2>
        <table>
          <tbody>
            <tr><th>审核人</th><td>{p.approvedByName ?? '—'}</td><th>审核时间</th><td>{p.approvedAt ? p.approvedAt.slice(0, 10) : '—'}</td></tr>
            <tr><th>审核意见</th><td colSpan={3}>{p.approvalComment ?? '—'}</td></tr>
            <tr><th>户主签字</th><td style={{ height: '12mm' }} /><th>帮扶责任人签字</th><td /></tr>
          </tbody>
        </table>
        <div className="card-foot">依据兰州市脱贫攻坚三年行动实施方案（2018）。打印日期：{today.getFullYear()} 年 {today.getMonth() + 1} 月 {today.getDate()} 日。</div>
      </article>
    </div>
  );
}

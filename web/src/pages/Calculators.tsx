import { CalculatorOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Empty, Form, InputNumber, List, Row, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useCatalog, type CalcResult, type CalculatorEntry } from '../api/assistance';
import { api } from '../api/client';
import { PageLoading } from '../components/PageLoading';
import { useI18n } from '../i18n';
import { fmtMoney } from '../lib/format';
import { showError } from '../lib/notify';

/**
 * 政策计算器: each calculator of domain/policy with a form of its facts, and its answer with the
 * amount, the reasons in Chinese and the rule (clause, source, effective dates) it used. The
 * server decides; this page only collects facts and shows the Decision.
 */

type Kind = 'bool' | 'number' | 'int' | 'select' | 'tri';
interface FactField { key: string; label: string; kind: Kind; options?: string[]; initial?: unknown; min?: number; max?: number }

const DIBAO_CLASSES = ['一类', '二类', '三类', '四类'];
const DISABILITY = ['一级', '二级', '三级', '四级'];

/** The facts each calculator takes (the server's CALCULATOR_FACTS, as form fields). */
export const FACT_FIELDS: Record<string, FactField[]> = {
  trainingSubsidy: [
    { key: 'poorFamilyLabourer', label: '贫困家庭劳动力', kind: 'bool', initial: true },
    { key: 'trainedAndEmployed', label: '企业培训并吸纳就业', kind: 'bool', initial: true },
    { key: 'contractMonths', label: '劳动合同期限（月）', kind: 'number', initial: 12, min: 0 },
  ],
  workshopAwards: [
    { key: 'certified', label: '经认定的“扶贫车间”', kind: 'bool', initial: true },
    { key: 'poorLabourers', label: '稳定就业的贫困劳动力（人）', kind: 'int', initial: 10, min: 0 },
    { key: 'stableMonths', label: '稳定就业时间（月）', kind: 'number', initial: 6, min: 0 },
    { key: 'wagesPaidOnTimeInFull', label: '工资按时足额发放', kind: 'bool', initial: true },
    { key: 'returneeNewAgriBusiness', label: '返乡人员创办的新型农业经营主体', kind: 'bool', initial: false },
    { key: 'provincialModel', label: '省级创业典型创办', kind: 'bool', initial: false },
  ],
  incubationSubsidy: [
    { key: 'inProvincialBase', label: '入驻省级孵化示范基地', kind: 'bool', initial: true },
    { key: 'startupProjectOrEntity', label: '创业项目或经营实体', kind: 'bool', initial: true },
    { key: 'meetsConditions', label: '符合补助条件', kind: 'tri', initial: true },
    { key: 'alreadyReceived', label: '已领取过', kind: 'bool', initial: false },
  ],
  healthChain: [
    { key: 'year', label: '年度', kind: 'int', initial: 2019, min: 2014, max: 2100 },
    { key: 'totalCost', label: '医疗总费用（元）', kind: 'number', initial: 20000, min: 0 },
    { key: 'compliantCost', label: '政策范围内费用（元）', kind: 'number', initial: 18000, min: 0 },
    { key: 'insured', label: '参加城乡居民基本医保', kind: 'bool', initial: true },
    { key: 'assistanceEligible', label: '医疗救助对象', kind: 'bool', initial: true },
  ],
  healthTopUp: [
    { key: 'year', label: '年度', kind: 'int', initial: 2019, min: 2014, max: 2100 },
    { key: 'registeredPoor', label: '建档立卡贫困人口', kind: 'bool', initial: true },
    { key: 'compliantCost', label: '合规医疗费用（元）', kind: 'number', initial: 30000, min: 0 },
    { key: 'paid', label: '三重保障已支付（元）', kind: 'number', initial: 24000, min: 0 },
    { key: 'totalCost', label: '医疗总费用（元，可空）', kind: 'number', min: 0 },
  ],
  pensionContribution: [
    { key: 'age', label: '年龄', kind: 'int', initial: 40, min: 0, max: 150 },
    { key: 'registeredPoor', label: '建档立卡贫困人口', kind: 'bool', initial: true },
    { key: 'povertyStatus', label: '脱贫属性', kind: 'select', options: ['未脱贫', '已脱贫', '返贫'], initial: '未脱贫' },
    { key: 'dibaoClass', label: '低保类别', kind: 'select', options: DIBAO_CLASSES },
    { key: 'disabilityGrade', label: '残疾等级', kind: 'select', options: DISABILITY },
    { key: 'tekun', label: '特困供养人员', kind: 'bool', initial: false },
    { key: 'inSchool', label: '在校学生', kind: 'bool', initial: false },
    { key: 'employeePension', label: '已参加职工养老保险', kind: 'bool', initial: false },
    { key: 'familyPlanningTwoCertificates', label: '计划生育“两证”户', kind: 'bool', initial: false },
  ],
  dibaoCoverage: [
    { key: 'householdSize', label: '家庭人口', kind: 'int', initial: 3, min: 1 },
    { key: 'perCapitaIncome', label: '人均收入（元/年）', kind: 'number', initial: 3000 },
    { key: 'registeredPoor', label: '建档立卡贫困户', kind: 'bool', initial: true },
    { key: 'receivesDibao', label: '已享受低保', kind: 'bool', initial: false },
    { key: 'dibaoClass', label: '低保类别', kind: 'select', options: DIBAO_CLASSES },
    { key: 'meetsAssetRules', label: '符合家庭财产条件', kind: 'tri' },
    { key: 'cannotExitThroughIndustryOrEmployment', label: '无法依靠产业就业帮扶脱贫', kind: 'tri' },
    { key: 'threeGuaranteesResolved', label: '“三保障”已解决', kind: 'tri' },
  ],
  collectiveIncome: [
    { key: 'year', label: '年度', kind: 'int', initial: 2019, min: 2014, max: 2100 },
    { key: 'registeredPoorVillage', label: '建档立卡贫困村', kind: 'bool', initial: true },
    { key: 'collectiveIncome', label: '村集体经济收入（元）', kind: 'number', initial: 30000, min: 0 },
  ],
};

type Values = Record<string, unknown> & { asOf?: Dayjs | null };

/** Form values → the facts the server takes (empty optional fields left out). */
export function factsOf(fields: FactField[], v: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const x = v[f.key];
    if (x === undefined || x === null || x === '') {
      if (f.kind === 'bool') out[f.key] = false;
      continue;
    }
    out[f.key] = x === 'unknown' ? null : x === 'yes' ? true : x === 'no' ? false : x;
  }
  return out;
}

interface DecisionLike {
  amount?: number;
  eligible?: boolean;
  reasons?: string[];
  rule?: { id: string; clause: string; title: string; source: string; effectiveFrom: string; effectiveTo: string | null; unverified: boolean };
  awards?: DecisionLike[];
  label?: string;
  combination?: string;
}

function RuleLine({ rule }: { rule: NonNullable<DecisionLike['rule']> }) {
  return (
    <Descriptions size="small" column={1} bordered className="rule-box">
      <Descriptions.Item label="依据条款"><Tag color="volcano">{rule.clause}</Tag>{rule.title}</Descriptions.Item>
      <Descriptions.Item label="文件">{rule.source}</Descriptions.Item>
      <Descriptions.Item label="有效期">{rule.effectiveFrom} 至 {rule.effectiveTo ?? '—'}{rule.unverified && <Tag color="orange" style={{ marginInlineStart: 6 }}>参数待核实</Tag>}</Descriptions.Item>
    </Descriptions>
  );
}

function DecisionView({ d, unit }: { d: DecisionLike; unit: string }) {
  return (
    <div>
      {d.amount !== undefined && (
        <Space align="baseline" wrap style={{ marginBottom: 8 }}>
          <Typography.Text type="secondary">{d.label ?? unit}</Typography.Text>
          <Typography.Text strong style={{ fontSize: 24 }} className="num" data-testid="calc-amount">{fmtMoney(d.amount)}</Typography.Text>
          <Typography.Text>元</Typography.Text>
          {d.eligible !== undefined && <Tag color={d.eligible ? 'green' : 'default'}>{d.eligible ? '符合' : '不符合'}</Tag>}
        </Space>
      )}
      {d.reasons && d.reasons.length > 0 && (
        <List size="small" bordered dataSource={d.reasons} renderItem={(r) => <List.Item>{r}</List.Item>} style={{ marginBottom: 8 }} data-testid="calc-reasons" />
      )}
      {d.rule && <RuleLine rule={d.rule} />}
    </div>
  );
}

function CalculatorForm({ c }: { c: CalculatorEntry }) {
  const { t } = useI18n();
  const fields = FACT_FIELDS[c.id] ?? [];
  const [form] = Form.useForm<Values>();
  const [result, setResult] = useState<CalcResult | null>(null);
  const [busy, setBusy] = useState(false);
  const initial = Object.fromEntries(fields.filter((f) => f.initial !== undefined).map((f) => [f.key, f.kind === 'tri' ? (f.initial ? 'yes' : 'no') : f.initial]));

  const run = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      setResult(await api.post<CalcResult>(`/api/calc/${c.id}`, { facts: factsOf(fields, v), asOf: v.asOf ? v.asOf.format('YYYY-MM-DD') : undefined }));
    } catch (e) {
      setResult(null);
      showError(e, t('calcFailed'));
    } finally {
      setBusy(false);
    }
  };
  const d = result?.decision as DecisionLike | undefined;

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={10}>
        <Card size="small" title={<Space wrap size={4}><Tag color="volcano">{c.clause}</Tag>{c.title}</Space>}>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('calcAmountMeans')}：{c.amount}</Typography.Paragraph>
          <Form form={form} layout="vertical" initialValues={initial} name={`calc-${c.id}`} onFinish={() => void run()}>
            {fields.map((f) => (
              <Form.Item key={f.key} name={f.key} label={f.label} valuePropName={f.kind === 'bool' ? 'checked' : 'value'}
                rules={f.kind === 'number' || f.kind === 'int' ? [{ required: f.initial !== undefined, message: t('required') }] : []} style={{ marginBottom: 10 }}>
                {f.kind === 'bool' ? <Switch aria-label={f.label} />
                  : f.kind === 'select' ? <Select allowClear options={f.options!.map((o) => ({ value: o, label: o }))} aria-label={f.label} />
                    : f.kind === 'tri' ? <Select allowClear aria-label={f.label} options={[{ value: 'yes', label: '是' }, { value: 'no', label: '否' }, { value: 'unknown', label: '未核实' }]} />
                      : <InputNumber style={{ width: '100%' }} min={f.min} max={f.max} precision={f.kind === 'int' ? 0 : undefined} aria-label={f.label} />}
              </Form.Item>
            ))}
            <Form.Item name="asOf" label={t('ruleAsOf')} style={{ marginBottom: 10 }}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<CalculatorOutlined />} loading={busy} data-testid="calc-run">{t('calculate')}</Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card size="small" title={t('calcResult')} data-testid="calc-result">
          {!d ? <Empty description={t('calcHint')} /> : d.awards ? (
            <Space direction="vertical" style={{ width: '100%' }}>
              {d.combination && <Alert type="info" showIcon message={d.combination} />}
              {d.awards.map((a, i) => <Card key={i} size="small" type="inner"><DecisionView d={a} unit={c.amount} /></Card>)}
              {d.awards.length === 0 && d.reasons && <DecisionView d={{ reasons: d.reasons, rule: d.rule }} unit={c.amount} />}
            </Space>
          ) : <DecisionView d={d} unit={c.amount} />}
          {result && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>{t('ruleAsOf')}：{result.asOf}</Typography.Paragraph>}
        </Card>
      </Col>
    </Row>
  );
}

export default function CalculatorsPage() {
  const { t } = useI18n();
  const cat = useCatalog();
  const [params, setParams] = useSearchParams();
  if (cat.isPending) return <PageLoading />;
  const calcs = cat.data?.calculators ?? [];
  const active = params.get('c') ?? calcs[0]?.id;
  return (
    <div>
      <Typography.Title level={4} className="page-title">{t('calculatorsTitle')}</Typography.Title>
      <Tabs activeKey={active} onChange={(k) => setParams({ c: k }, { replace: true })} destroyOnHidden
        items={calcs.map((c) => ({ key: c.id, label: c.title, children: <CalculatorForm c={c} /> }))} />
    </div>
  );
}

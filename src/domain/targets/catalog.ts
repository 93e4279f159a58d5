/**
 * The quantified targets of the seed plan (兰州市《关于打好打赢脱贫攻坚战巩固提升脱贫成果三年行动的
 * 实施方案》, 2018-11-05), clause by clause, as data. Pure: no I/O, imports nothing.
 *
 * Conventions (kept by catalog.test.ts):
 * - `text` is the seed's own words, a verbatim substring of the seed, inside the clause `clause`
 *   names. A number in the seed that is not a target is listed in NON_TARGET_NUMBERS with why.
 * - `planned` is a number in `unit`, the unit the seed states: 1.74万人 → 17400 '人',
 *   2.02万人次 → 20200 '人次', 3.775兆瓦 → 3.775 '兆瓦', 80% → 80 '%', 5万元 → 5 '万元' (the seed's
 *   unit; 50000 元 would be the same amount), 3000元 → 3000 '元', 12Mbps → 12 'Mbps'. The
 *   measure word 名 for people becomes '人' so people add up; 家 (parks, bases) and 户 (farm
 *   stays, enterprises, households) stay as the seed writes them.
 * - comparison 'all' is used for 全部 / 所有 / 全覆盖 / 都 / 应保尽保 / 具备条件的…通… and for an
 *   explicit 100%: planned is then always 100 with unit '%', the share of `of` (the population or
 *   set that must be covered). Where the seed also states the size of that whole as a count
 *   (256 villages, 5543 households), the count is the planned value with 'atLeast' instead.
 *   'atMost' is a cap (3000元, no dropouts = 0 人). 'atLeast' is the rest; 'exactly' is kept for
 *   future targets and used by none today.
 * - `year` is the deadline year; `period` ('2018-2020') the window the target runs over when it
 *   is longer than that one year: targets the seed dates 到2020年, 今后三年 or not at all run over
 *   the plan's three years 2018-2020. Targets the seed gives per year (每年 50 人, 1.74万/0.95万/
 *   0.56万) are one entry per year.
 * - `per` makes `planned` a value for each such unit (每个建档立卡贫困村 2 个合作社); `units` is
 *   how many units the seed counts (256 villages). For such a target the value `reached` at an
 *   aggregate region is the weakest unit's (the minimum for atLeast, the maximum for atMost), so
 *   it is met exactly when every unit meets it.
 * - `relativeTo` makes `planned` a margin over a benchmark: 高于全省平均水平 is planned 0 '百分点'
 *   over the province's figure, and `reached` is the region's figure minus the province's.
 * - `progress` tells rag.ts how to judge before the deadline: 'cumulative' (a count built up over
 *   the window: pro-rated), 'level' (a rate, ratio, cap or per-unit value that must hold
 *   throughout: not pro-rated) or 'milestone' (a state due by the deadline: pending until then).
 * - `restates` names the earlier target a later clause repeats, so totals can count it once.
 * - Reported targets: the seed names no department for any target (only 相关部门 and 11个专责工作组),
 *   so every one says DEPARTMENT_UNASSIGNED until the city office assigns it.
 */

/** The document every target cites. */
export const SEED_SOURCE = {
  title: '关于打好打赢脱贫攻坚战巩固提升脱贫成果三年行动的实施方案',
  issuer: '兰州市',
  published: '2018-11-05',
  file: 'seed/000_0aa6a34f32829986.txt',
  period: '2018-2020',
} as const;

/** 兰州市 as a 12-digit region code: the region of every target that names no county. */
export const CITY_REGION = '620100000000';
export const YONGDENG_REGION = '620121000000';
export const GAOLAN_REGION = '620122000000';
export const YUZHONG_REGION = '620123000000';

/** The plan's three years, the window of targets dated 到2020年, 今后三年 or not at all. */
export const PLAN_PERIOD = '2018-2020';

/** The seed names no responsible department; this stands until the city office assigns one. */
export const DEPARTMENT_UNASSIGNED = '责任部门（待指定）';

export type Comparison = 'atLeast' | 'atMost' | 'exactly' | 'all';
export type Progress = 'cumulative' | 'level' | 'milestone';
export type EntryLevel = 'village' | 'township' | 'county' | 'city';

/** The data in the system a computed target is counted from (the modules of DESIGN.md). */
export type ReachData =
  | 'registry'
  | 'plans'
  | 'benefits'
  | 'comparison'
  | 'monitoring'
  | 'regions'
  | 'dynamics'
  | 'dispatch';

export type Reach =
  | {
      kind: 'computed';
      /** Which data and how, in words; starts with the first of `data`. */
      source: string;
      data: readonly ReachData[];
    }
  | {
      kind: 'reported';
      department: string;
      /** The level that enters the figure (then approved county → city). */
      entryLevel: EntryLevel;
    };

export interface PlanTarget {
  /** Stable id: T-<part>-<section>[-<item>]-<slug>[-<year>]. */
  id: string;
  /** 一(二), 二(一)5, 三(五) … */
  clause: string;
  /** The seed's words, verbatim. */
  text: string;
  /** Short Chinese name of the indicator. */
  indicator: string;
  unit: string;
  /** 12-digit region code. */
  region: string;
  /** Deadline year. */
  year: number | null;
  /** 'YYYY-YYYY' when the target runs over more than its deadline year. */
  period?: string;
  planned: number;
  comparison: Comparison;
  progress: Progress;
  reach: Reach;
  /** For 'all' and % targets: what 100% is. */
  of?: string;
  /** `planned` applies to each of these. */
  per?: string;
  /** How many `per` units the seed counts. */
  units?: number;
  /** `planned` is a margin over this benchmark. */
  relativeTo?: string;
  /** The seed says 左右 (about). */
  approximate?: boolean;
  /** Id of the earlier target this one repeats. */
  restates?: string;
  note?: string;
}

const reported = (entryLevel: EntryLevel): Reach => ({
  kind: 'reported',
  department: DEPARTMENT_UNASSIGNED,
  entryLevel,
});

const computed = (data: readonly ReachData[], how: string): Reach => ({
  kind: 'computed',
  source: `${data.join('+')}: ${how}`,
  data,
});

type Draft = Omit<PlanTarget, 'region'> & { region?: string };

const target = (d: Draft): PlanTarget => ({ ...d, region: d.region ?? CITY_REGION });

const ALL = { planned: 100, unit: '%', comparison: 'all' } as const;
const BY_2020 = { year: 2020, period: PLAN_PERIOD } as const;

export const PLAN_TARGETS: PlanTarget[] = [
  // ── 一(二) 工作目标 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-1-2-poor-villages-exit-share-2018',
    clause: '一(二)',
    text: '2018年,全市解决区域性整体贫困问题,贫困村全部退出',
    indicator: '贫困村退出比例',
    ...ALL,
    of: '建档立卡贫困村',
    year: 2018,
    progress: 'milestone',
    reach: computed(['regions', 'dynamics'], '建档立卡贫困村中已批准退出的村所占比例（村级退出验收结果）'),
  }),
  target({
    id: 'T-1-2-poor-counties-exit-share-2018',
    clause: '一(二)',
    text: '2018年,全市解决区域性整体贫困问题,贫困村全部退出,贫困县全部摘帽',
    indicator: '贫困县摘帽比例',
    ...ALL,
    of: '贫困县（三县一区：永登县、榆中县、皋兰县、七里河区）',
    year: 2018,
    progress: 'milestone',
    reach: computed(['regions', 'dynamics'], '贫困县（区）中已批准退出的所占比例（县级退出验收结果）'),
  }),
  target({
    id: 'T-1-2-rural-income-growth-2020',
    clause: '一(二)',
    text: '实现贫困区县农民人均可支配收入增长幅度高于全省平均水平',
    indicator: '贫困区县农民人均可支配收入增幅高于全省',
    unit: '百分点',
    planned: 0,
    comparison: 'atLeast',
    relativeTo: '全省农民人均可支配收入增长幅度',
    of: '贫困区县',
    ...BY_2020,
    progress: 'level',
    reach: reported('county'),
    note: '统计口径的农民人均可支配收入，不是建档立卡户人均纯收入；高于即差值大于0。',
  }),
  target({
    id: 'T-1-2-hard-road-townships-2020',
    clause: '一(二)',
    text: '确保贫困区县所有乡镇和建制村通硬化路',
    indicator: '贫困区县乡镇通硬化路比例',
    ...ALL,
    of: '贫困区县所有乡镇',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-1-2-hard-road-villages-2020',
    clause: '一(二)',
    text: '确保贫困区县所有乡镇和建制村通硬化路',
    indicator: '贫困区县建制村通硬化路比例',
    ...ALL,
    of: '贫困区县所有建制村',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('township'),
  }),
  target({
    id: 'T-1-2-power-villages-2020',
    clause: '一(二)',
    text: '贫困村全部实现通动力电',
    indicator: '贫困村通动力电比例',
    ...ALL,
    of: '建档立卡贫困村',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('village'),
  }),
  target({
    id: 'T-1-2-housing-safety-2020',
    clause: '一(二)',
    text: '全面彻底动态解决农村居民住房和饮水安全问题',
    indicator: '住房安全有保障比例',
    ...ALL,
    of: '农村居民（系统内：建档立卡户和监测户）',
    ...BY_2020,
    progress: 'milestone',
    reach: computed(['registry', 'monitoring'], '户信息"是否危房户"为否的户所占比例，按户统计'),
  }),
  target({
    id: 'T-1-2-water-safety-2020',
    clause: '一(二)',
    text: '全面彻底动态解决农村居民住房和饮水安全问题',
    indicator: '饮水安全有保障比例',
    ...ALL,
    of: '农村居民（系统内：建档立卡户和监测户）',
    ...BY_2020,
    progress: 'milestone',
    reach: computed(['registry', 'monitoring'], '户信息"是否解决安全饮水"为是的户所占比例，按户统计'),
  }),
  target({
    id: 'T-1-2-living-environment-2020',
    clause: '一(二)',
    text: '贫困村达到人居环境干净整洁的基本要求',
    indicator: '贫困村人居环境达标比例',
    ...ALL,
    of: '建档立卡贫困村',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('village'),
  }),
  target({
    id: 'T-1-2-no-dropout-2020',
    clause: '一(二)',
    text: '切实解决义务教育学生因贫失学辍学问题',
    indicator: '义务教育阶段因贫失学辍学人数',
    unit: '人',
    planned: 0,
    comparison: 'atMost',
    ...BY_2020,
    progress: 'level',
    reach: computed(
      ['comparison', 'registry'],
      '学籍比对的辍学发现（DROPOUT）加上家庭成员在校生状况，义务教育年龄的建档立卡人口中辍学的人数',
    ),
  }),
  target({
    id: 'T-1-2-pension-coverage-2020',
    clause: '一(二)',
    text: '基本养老保险和基本医疗保险、大病保险实现贫困人口全覆盖',
    indicator: '贫困人口城乡居民基本养老保险参保率',
    ...ALL,
    of: '符合参保条件的建档立卡贫困人口',
    ...BY_2020,
    progress: 'milestone',
    reach: computed(
      ['registry', 'comparison'],
      '家庭成员"是否参加城乡居民基本养老保险"为是的比例，以养老保险比对数据（PENSION_GAP）核实',
    ),
  }),
  target({
    id: 'T-1-2-medical-coverage-2020',
    clause: '一(二)',
    text: '基本养老保险和基本医疗保险、大病保险实现贫困人口全覆盖',
    indicator: '贫困人口基本医疗保险参保率',
    ...ALL,
    of: '建档立卡贫困人口',
    ...BY_2020,
    progress: 'milestone',
    reach: computed(
      ['registry', 'comparison'],
      '家庭成员"是否参加城乡居民基本医疗保险"为是的比例，以医保参保比对数据（UNINSURED）核实',
    ),
  }),
  target({
    id: 'T-1-2-critical-illness-coverage-2020',
    clause: '一(二)',
    text: '基本养老保险和基本医疗保险、大病保险实现贫困人口全覆盖',
    indicator: '贫困人口大病保险参保率',
    ...ALL,
    of: '建档立卡贫困人口',
    ...BY_2020,
    progress: 'milestone',
    reach: computed(['registry', 'comparison'], '家庭成员"是否参加大病保险"为是的比例，以医保参保比对数据核实'),
  }),
  target({
    id: 'T-1-2-dibao-2020',
    clause: '一(二)',
    text: '最低生活保障实现应保尽保',
    indicator: '农村低保应保尽保比例',
    ...ALL,
    of: '符合低保条件的农村人口',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
    note: '系统可用民政比对（DIBAO_NOT_REGISTERED、DIBAO_MISMATCH）提示缺口，但"应保"的认定在民政部门。',
  }),
  target({
    id: 'T-1-2-all-people-exit-2020',
    clause: '一(二)',
    text: '贫困人口全部脱贫',
    indicator: '建档立卡贫困人口脱贫比例',
    ...ALL,
    of: '建档立卡贫困人口（不含已剔除）',
    ...BY_2020,
    progress: 'milestone',
    reach: computed(['registry'], '脱贫属性为已脱贫的户的家庭成员人数 ÷ 建档立卡人口（不含已剔除），年末口径'),
  }),
  target({
    id: 'T-1-2-exit-people-2018',
    clause: '一(二)',
    text: '2018年脱贫1.74万人',
    indicator: '年度脱贫人口',
    unit: '人',
    planned: 17400,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: computed(['registry'], '脱贫年度为2018、脱贫属性为已脱贫的户的家庭成员人数（按人计）'),
  }),
  target({
    id: 'T-1-2-exit-people-2019',
    clause: '一(二)',
    text: '2019年脱贫0.95万人',
    indicator: '年度脱贫人口',
    unit: '人',
    planned: 9500,
    comparison: 'atLeast',
    year: 2019,
    progress: 'cumulative',
    reach: computed(['registry'], '脱贫年度为2019、脱贫属性为已脱贫的户的家庭成员人数（按人计）'),
  }),
  target({
    id: 'T-1-2-exit-people-2020',
    clause: '一(二)',
    text: '2020年脱贫0.56万人',
    indicator: '年度脱贫人口',
    unit: '人',
    planned: 5600,
    comparison: 'atLeast',
    year: 2020,
    progress: 'cumulative',
    reach: computed(['registry'], '脱贫年度为2020、脱贫属性为已脱贫的户的家庭成员人数（按人计）'),
  }),
  target({
    id: 'T-1-2-exit-villages-2018',
    clause: '一(二)',
    text: '贫困村全部退出。2018年退出185个',
    indicator: '年度退出贫困村数',
    unit: '个',
    planned: 185,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: computed(['regions', 'dynamics'], '2018年经验收批准退出的建档立卡贫困村个数'),
  }),
  target({
    id: 'T-1-2-exit-county-yongdeng-2018',
    clause: '一(二)',
    text: '贫困县全部摘帽。2018年实现永登县、榆中县贫困县摘帽',
    indicator: '贫困县摘帽',
    unit: '个',
    planned: 1,
    comparison: 'atLeast',
    region: YONGDENG_REGION,
    year: 2018,
    progress: 'milestone',
    reach: computed(['regions', 'dynamics'], '永登县是否已批准退出贫困县（是 = 1）'),
  }),
  target({
    id: 'T-1-2-exit-county-yuzhong-2018',
    clause: '一(二)',
    text: '贫困县全部摘帽。2018年实现永登县、榆中县贫困县摘帽',
    indicator: '贫困县摘帽',
    unit: '个',
    planned: 1,
    comparison: 'atLeast',
    region: YUZHONG_REGION,
    year: 2018,
    progress: 'milestone',
    reach: computed(['regions', 'dynamics'], '榆中县是否已批准退出贫困县（是 = 1）'),
  }),

  // ── 二(一) 产业扶贫 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-2-1-1-household-projects-2018',
    clause: '二(一)1',
    text: '2018年,到户扶持的增收项目和资金实现对有发展产业需求的建档立卡贫困人口全覆盖',
    indicator: '到户产业扶持覆盖率',
    ...ALL,
    of: '有发展产业需求的建档立卡贫困人口',
    year: 2018,
    progress: 'milestone',
    reach: computed(
      ['plans', 'benefits'],
      '一户一策中有产业发展需求的户，其2018年计划有已落实资金的到户增收项目的，所占人口比例',
    ),
  }),
  target({
    id: 'T-2-1-2-leading-enterprise-per-industry',
    clause: '二(一)2',
    text: '实现每个贫困县每个特色优势产业都组建1个以上带贫能力强、辐射面广的龙头企业',
    indicator: '每个特色优势产业的带贫龙头企业数',
    unit: '个',
    planned: 1,
    comparison: 'atLeast',
    per: '每个贫困县的每个特色优势产业',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-2-enterprise-coop-coverage',
    clause: '二(一)2',
    text: '实现龙头企业对特色产业合作社全覆盖',
    indicator: '龙头企业覆盖特色产业合作社比例',
    ...ALL,
    of: '特色产业合作社',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-2-coops-per-village',
    clause: '二(一)2',
    text: '实现每个建档立卡贫困村有2个以上运行规范、带动能力强的专业合作社',
    indicator: '每个贫困村规范运行的专业合作社数',
    unit: '个',
    planned: 2,
    comparison: 'atLeast',
    per: '每个建档立卡贫困村',
    units: 256,
    ...BY_2020,
    progress: 'milestone',
    reach: reported('village'),
  }),
  target({
    id: 'T-2-1-2-coop-villages-2018',
    clause: '二(一)2',
    text: '2018年实现256个建档立卡贫困村合作社全覆盖',
    indicator: '有合作社的贫困村数',
    unit: '个',
    planned: 256,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: reported('village'),
  }),
  target({
    id: 'T-2-1-3-tech-staff-per-village',
    clause: '二(一)3',
    text: '每个建档立卡贫困村有1名农业科技人员',
    indicator: '每个贫困村农业科技人员数',
    unit: '人',
    planned: 1,
    comparison: 'atLeast',
    per: '每个建档立卡贫困村',
    units: 256,
    ...BY_2020,
    progress: 'level',
    reach: reported('village'),
  }),
  target({
    id: 'T-2-1-4-tourism-villages-2020',
    clause: '二(一)4',
    text: '今后三年全市集中扶持34个旅游专业村',
    indicator: '扶持旅游专业村数',
    unit: '个',
    planned: 34,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-4-farm-stays-2020',
    clause: '二(一)4',
    text: '今后三年全市集中扶持34个旅游专业村,建成农家乐1000户',
    indicator: '建成农家乐户数',
    unit: '户',
    planned: 1000,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-5-pv-capacity-2018',
    clause: '二(一)5',
    text: '2018年底前建成并网装机规模3.775兆瓦',
    indicator: '光伏扶贫并网装机规模',
    unit: '兆瓦',
    planned: 3.775,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-5-pv-villages-2018',
    clause: '二(一)5',
    text: '扶持51个建档立卡贫困村',
    indicator: '光伏扶贫扶持贫困村数',
    unit: '个',
    planned: 51,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-5-pv-households-2018',
    clause: '二(一)5',
    text: '帮扶1073户建档立卡贫困户增收',
    indicator: '光伏扶贫帮扶贫困户数',
    unit: '户',
    planned: 1073,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-5-pv-no-income-villages-2019',
    clause: '二(一)5',
    text: '2019年,积极争取国家光伏扶贫项目,实现全市符合条件区县无集体经济收入建档立卡贫困村全覆盖',
    indicator: '无集体经济收入贫困村光伏扶贫覆盖率',
    ...ALL,
    of: '符合条件区县无集体经济收入的建档立卡贫困村',
    year: 2019,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-6-ecommerce-gaolan-2018',
    clause: '二(一)6',
    text: '2018年,皋兰县进入国家电子商务进农村综合示范县',
    indicator: '国家电子商务进农村综合示范县',
    unit: '个',
    planned: 1,
    comparison: 'atLeast',
    region: GAOLAN_REGION,
    year: 2018,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-6-ecommerce-demo-counties-2018',
    clause: '二(一)6',
    text: '实现3个片区县电子商务进农村综合示范全覆盖',
    indicator: '电子商务进农村综合示范片区县数',
    unit: '个',
    planned: 3,
    comparison: 'atLeast',
    year: 2018,
    progress: 'milestone',
    reach: reported('county'),
    note: '3个片区县即永登县、榆中县、皋兰县（六盘山片区）。',
  }),
  target({
    id: 'T-2-1-6-logistics-county-township-2020',
    clause: '二(一)6',
    text: '到2020年,每个区县到乡镇电商物流通行率达到80%',
    indicator: '区县到乡镇电商物流通行率',
    unit: '%',
    planned: 80,
    comparison: 'atLeast',
    per: '每个区县',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-1-6-logistics-township-village-2020',
    clause: '二(一)6',
    text: '乡镇到村物流通行率达到40%',
    indicator: '乡镇到村物流通行率',
    unit: '%',
    planned: 40,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('township'),
  }),

  // ── 二(二) 就业扶贫 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-2-2-1-training-2020',
    clause: '二(二)1',
    text: '到2020年,全市开展精准扶贫劳动力培训2.02万人次',
    indicator: '精准扶贫劳动力培训人次',
    unit: '人次',
    planned: 20200,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: computed(['benefits'], '就业扶贫措施中已完成的劳动力培训记录条数（一人参加两次计2人次）'),
  }),
  target({
    id: 'T-2-2-1-training-income-2020',
    clause: '二(二)1',
    text: '支撑和带动1.05万以上贫困人口达到现行标准下脱贫的收入水平',
    indicator: '培训输转带动达到脱贫收入水平的贫困人口',
    unit: '人',
    planned: 10500,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: computed(
      ['benefits', 'registry'],
      '有成员参加培训或输转就业的建档立卡户中，当年人均纯收入达到当年扶贫标准的户的人口数',
    ),
  }),
  target({
    id: 'T-2-2-3-public-welfare-posts-2020',
    clause: '二(二)3',
    text: '在全市开发3613个村级公益性设施共管共享岗位',
    indicator: '村级公益性岗位数',
    unit: '个',
    planned: 3613,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('township'),
  }),

  // ── 二(三) 生态补偿扶贫 ──────────────────────────────────────────────────────────────────
  target({
    id: 'T-2-3-forest-rangers-2020',
    clause: '二(三)',
    text: '到2020年在有劳动能力的贫困人口中新增选聘生态护林员66名',
    indicator: '新增选聘生态护林员',
    unit: '人',
    planned: 66,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-3-grain-to-green-coverage-2020',
    clause: '二(三)',
    text: '加大贫困地区新一轮退耕还林还草支持力度,对符合退耕政策的贫困村、贫困户实现全覆盖',
    indicator: '新一轮退耕还林还草覆盖率',
    ...ALL,
    of: '符合退耕政策的贫困村、贫困户',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),

  // ── 二(四) 教育扶贫 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-2-4-no-dropout-2020',
    clause: '二(四)',
    text: '确保贫困家庭适龄学生不因贫失学辍学',
    indicator: '义务教育阶段因贫失学辍学人数',
    unit: '人',
    planned: 0,
    comparison: 'atMost',
    ...BY_2020,
    progress: 'level',
    restates: 'T-1-2-no-dropout-2020',
    reach: computed(
      ['comparison', 'registry'],
      '学籍比对的辍学发现（DROPOUT）加上家庭成员在校生状况，适龄的建档立卡人口中失学辍学的人数',
    ),
  }),
  target({
    id: 'T-2-4-consolidation-rate-2020',
    clause: '二(四)',
    text: '到2020年,贫困地区九年义务教育巩固率高于全省平均水平',
    indicator: '九年义务教育巩固率高于全省',
    unit: '百分点',
    planned: 0,
    comparison: 'atLeast',
    relativeTo: '全省九年义务教育巩固率',
    of: '贫困地区',
    ...BY_2020,
    progress: 'level',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-4-school-baseline-2020',
    clause: '二(四)',
    text: '确保所有义务教育学校达到“20条底线”要求',
    indicator: '义务教育学校达到"20条底线"比例',
    ...ALL,
    of: '贫困地区义务教育学校',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-4-principal-training-2020',
    clause: '二(四)',
    text: '优先实现“三县一区”所有中小学校长和骨干教师轮训一遍的目标',
    indicator: '中小学校长和骨干教师轮训比例',
    ...ALL,
    of: '三县一区所有中小学校长和骨干教师',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-2-4-vocational-education-2020',
    clause: '二(四)',
    text: '实现建档立卡贫困户有技能需求人口职业教育全覆盖',
    indicator: '有技能需求贫困人口职业教育覆盖率',
    ...ALL,
    of: '建档立卡贫困户中有技能需求的人口',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),

  // ── 二(五) 健康扶贫 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-2-5-medical-insurance-rate',
    clause: '二(五)',
    text: '确保贫困人口参保率100%',
    indicator: '贫困人口基本医疗保险参保率',
    ...ALL,
    of: '建档立卡贫困人口',
    ...BY_2020,
    progress: 'level',
    restates: 'T-1-2-medical-coverage-2020',
    reach: computed(
      ['registry', 'comparison'],
      '家庭成员"是否参加城乡居民基本医疗保险"为是的比例，以医保参保比对数据（UNINSURED）核实',
    ),
  }),
  target({
    id: 'T-2-5-reimbursement-ratio',
    clause: '二(五)',
    text: '确保建档立卡贫困人口合规医疗费用实际报销比例达到85%',
    indicator: '合规医疗费用实际报销比例',
    unit: '%',
    planned: 85,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'level',
    reach: computed(
      ['comparison'],
      '医保结算比对数据中建档立卡人口当年（基本医保支付 + 大病保险支付 + 医疗救助支付）之和 ÷ 政策范围内费用之和',
    ),
  }),
  target({
    id: 'T-2-5-out-of-pocket-cap',
    clause: '二(五)',
    text: '个人自负合规医疗费用年累计控制在3000元以内',
    indicator: '个人自负合规医疗费用年累计',
    unit: '元',
    planned: 3000,
    comparison: 'atMost',
    per: '每名建档立卡贫困人口每年',
    ...BY_2020,
    progress: 'level',
    reach: computed(
      ['comparison'],
      '医保结算比对数据中每名建档立卡人口当年个人自付之和的最大值；超过者即 MEDICAL_BURDEN 发现',
    ),
  }),
  target({
    id: 'T-2-5-gp-per-health-centre',
    clause: '二(五)',
    text: '贫困地区每个乡镇卫生院至少有1名全科医生',
    indicator: '每个乡镇卫生院全科医生数',
    unit: '人',
    planned: 1,
    comparison: 'atLeast',
    per: '贫困地区每个乡镇卫生院',
    ...BY_2020,
    progress: 'level',
    reach: reported('township'),
  }),
  target({
    id: 'T-2-5-family-doctor-2020',
    clause: '二(五)',
    text: '实现贫困人口家庭医生签约服务全覆盖',
    indicator: '贫困人口家庭医生签约覆盖率',
    ...ALL,
    of: '建档立卡贫困人口',
    ...BY_2020,
    progress: 'level',
    reach: reported('township'),
  }),

  // ── 三(一) 乡村道路 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-3-1-road-rectification-2018',
    clause: '三(一)',
    text: '2018年底前完成永登县、榆中县、皋兰县、七里河区“畅返不畅”整治360公里',
    indicator: '"畅返不畅"路段整治里程',
    unit: '公里',
    planned: 360,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: reported('county'),
    note: '四个区县合计，原文未分县。',
  }),
  target({
    id: 'T-3-1-class2-townships-2020',
    clause: '三(一)',
    text: '到2020年75%的乡镇通二级公路',
    indicator: '乡镇通二级公路比例',
    unit: '%',
    planned: 75,
    comparison: 'atLeast',
    of: '乡镇',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-3-1-class3-townships-2020',
    clause: '三(一)',
    text: '其余乡镇通三级公路',
    indicator: '其余乡镇通三级公路比例',
    ...ALL,
    of: '未通二级公路的其余乡镇',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-3-1-natural-village-roads-2020',
    clause: '三(一)',
    text: '具备条件的自然村通硬化路',
    indicator: '具备条件的自然村通硬化路比例',
    ...ALL,
    of: '具备条件的自然村',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('township'),
  }),
  target({
    id: 'T-3-1-village-bus-2020',
    clause: '三(一)',
    text: '具备条件的建制村通客车',
    indicator: '具备条件的建制村通客车比例',
    ...ALL,
    of: '具备条件的建制村',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('township'),
  }),

  // ── 三(三) 安全住房 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-3-3-dangerous-houses-2018',
    clause: '三(三)',
    text: '2018年完成省级农村危改任务2018户',
    indicator: '农村危房改造户数',
    unit: '户',
    planned: 2018,
    comparison: 'atLeast',
    year: 2018,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-3-3-four-classes-houses-2018',
    clause: '三(三)',
    text: '全面消除四类重点对象存量危房',
    indicator: '四类重点对象存量危房消除比例',
    ...ALL,
    of: '四类重点对象（建档立卡贫困户、低保户、分散供养特困人员、贫困残疾人家庭）存量危房',
    year: 2018,
    progress: 'milestone',
    reach: reported('county'),
    note: '建档立卡户部分可由户信息"是否危房户"核对。',
  }),
  target({
    id: 'T-3-3-other-houses-2018',
    clause: '三(三)',
    text: '同步完成其他农户危房改造',
    indicator: '其他农户危房改造完成比例',
    ...ALL,
    of: '其他农户存量危房',
    year: 2018,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-3-3-relocation-2018',
    clause: '三(三)',
    text:
      '集中力量完成我市“十三五”规划5543户建档立卡贫困人口的搬迁任务。' +
      '对于2016年至2018年实施搬迁的5543户建档立卡贫困人口,2018年12月底前全部实现搬迁入住',
    indicator: '易地扶贫搬迁入住户数',
    unit: '户',
    planned: 5543,
    comparison: 'atLeast',
    year: 2018,
    period: '2016-2018',
    progress: 'milestone',
    reach: reported('county'),
  }),

  // ── 三(四) 网络扶贫 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-3-4-broadband-villages-2018',
    clause: '三(四)',
    text: '到2018年底率先实现建制村宽带网络通达',
    indicator: '建制村宽带通达比例',
    ...ALL,
    of: '建制村',
    year: 2018,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-3-4-broadband-speed-2018',
    clause: '三(四)',
    text: '宽带接入能力达到12Mbps/秒以上',
    indicator: '建制村宽带接入能力',
    unit: 'Mbps',
    planned: 12,
    comparison: 'atLeast',
    per: '每个建制村',
    year: 2018,
    progress: 'milestone',
    reach: reported('county'),
  }),
  target({
    id: 'T-3-4-broadband-key-sites-2018',
    clause: '三(四)',
    text: '宽带网络覆盖村委会、学校、卫生所、金融服务点、电商服务站等重要场所',
    indicator: '村内重要场所宽带覆盖比例',
    ...ALL,
    of: '村委会、学校、卫生所、金融服务点、电商服务站等重要场所',
    year: 2018,
    progress: 'milestone',
    reach: reported('village'),
  }),

  // ── 三(五) 村集体经济 ──────────────────────────────────────────────────────────────────
  target({
    id: 'T-3-5-stable-collective-income-2020',
    clause: '三(五)',
    text: '实现全市行政村都有相对稳定的村级集体经济收入',
    indicator: '有稳定村级集体经济收入的行政村比例',
    ...ALL,
    of: '全市行政村',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('village'),
  }),
  target({
    id: 'T-3-5-poor-village-income-2018',
    clause: '三(五)',
    text: '2018年,实现全市256个建档立卡贫困村村级集体收入稳定达到5万元以上',
    indicator: '村级集体经济收入',
    unit: '万元',
    planned: 5,
    comparison: 'atLeast',
    per: '每个建档立卡贫困村每年',
    units: 256,
    year: 2018,
    progress: 'level',
    reach: reported('village'),
    note: '按村按年填报，县级审核、市级批准，逐村与5万元比较。',
  }),
  target({
    id: 'T-3-5-non-poor-villages-supported-2019',
    clause: '三(五)',
    text: '2019年,支持全市474个非建档立卡贫困村发展壮大村级集体经济',
    indicator: '支持发展集体经济的非贫困村数',
    unit: '个',
    planned: 474,
    comparison: 'atLeast',
    year: 2019,
    progress: 'cumulative',
    reach: reported('township'),
  }),
  target({
    id: 'T-3-5-village-income-2020',
    clause: '三(五)',
    text: '到2020年底,实现全市730个行政村村级集体经济收入均达到5万元以上',
    indicator: '村级集体经济收入',
    unit: '万元',
    planned: 5,
    comparison: 'atLeast',
    per: '每个行政村每年',
    units: 730,
    year: 2020,
    progress: 'level',
    reach: reported('village'),
    note: '按村按年填报，县级审核、市级批准，逐村与5万元比较。',
  }),

  // ── 三(六) 人居环境 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-3-6-lane-hardening-2020',
    clause: '三(六)',
    text: '居住人口相对集中达到20户以上的自然村巷道硬化',
    indicator: '20户以上自然村巷道硬化比例',
    ...ALL,
    of: '居住人口相对集中达到20户以上的自然村',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('township'),
  }),
  target({
    id: 'T-3-6-demonstration-villages-2019',
    clause: '三(六)',
    text: '从2019年开始每年建成乡村振兴战略示范村50个左右',
    indicator: '年度建成乡村振兴战略示范村数',
    unit: '个',
    planned: 50,
    comparison: 'atLeast',
    approximate: true,
    year: 2019,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-3-6-demonstration-villages-2020',
    clause: '三(六)',
    text: '从2019年开始每年建成乡村振兴战略示范村50个左右',
    indicator: '年度建成乡村振兴战略示范村数',
    unit: '个',
    planned: 50,
    comparison: 'atLeast',
    approximate: true,
    year: 2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),

  // ── 三(七) 动态管理 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-3-7-quarterly-review',
    clause: '三(七)',
    text: '每季度开展一次贫困人口动态管理',
    indicator: '贫困人口动态管理次数',
    unit: '次',
    planned: 1,
    comparison: 'atLeast',
    per: '每季度',
    ...BY_2020,
    progress: 'level',
    reach: computed(['dynamics'], '每个区县每个季度已关闭的动态管理周期数，取各区县各季度中的最小值'),
  }),

  // ── 四(二) 金融扶贫 ────────────────────────────────────────────────────────────────────
  target({
    id: 'T-4-2-agri-insurance-coverage-2020',
    clause: '四(二)',
    text: '实现农业保险对建档立卡贫困户所有种养产业全覆盖',
    indicator: '贫困户种养产业农业保险覆盖率',
    ...ALL,
    of: '建档立卡贫困户的种养产业',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),

  // ── 四(四) 人才和科技 ──────────────────────────────────────────────────────────────────
  ...[2018, 2019, 2020].map((year) =>
    target({
      id: `T-4-4-tech-experts-${year}`,
      clause: '四(四)',
      text: '每年从省市高等院校、科研院所和涉农企业选派50名左右中级职称以上农业科技人员到3个贫困县开展农业科技服务工作',
      indicator: '年度选派到贫困县的农业科技人员',
      unit: '人',
      planned: 50,
      comparison: 'atLeast',
      approximate: true,
      year,
      progress: 'cumulative',
      reach: reported('city'),
      note: '3个贫困县：永登县、榆中县、皋兰县。',
    }),
  ),
  target({
    id: 'T-4-4-tech-staff-per-village',
    clause: '四(四)',
    text: '为每个贫困村选派1名农业科技人员,实现科技特派员对贫困村科技服务和创业带动全覆盖',
    indicator: '每个贫困村选派的农业科技人员数',
    unit: '人',
    planned: 1,
    comparison: 'atLeast',
    per: '每个建档立卡贫困村',
    units: 256,
    ...BY_2020,
    progress: 'level',
    restates: 'T-2-1-3-tech-staff-per-village',
    reach: reported('village'),
  }),
  target({
    id: 'T-4-4-provincial-science-parks-2020',
    clause: '四(四)',
    text: '到2020年力争新建省级农业科技园区2家以上',
    indicator: '新建省级农业科技园区',
    unit: '家',
    planned: 2,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-4-4-city-demonstration-parks-2020',
    clause: '四(四)',
    text: '市级农业科技示范园15家',
    indicator: '新建市级农业科技示范园',
    unit: '家',
    planned: 15,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),
  target({
    id: 'T-4-4-star-innovation-spaces-2020',
    clause: '四(四)',
    text: '国家级星创天地6家以上',
    indicator: '新建国家级星创天地',
    unit: '家',
    planned: 6,
    comparison: 'atLeast',
    ...BY_2020,
    progress: 'cumulative',
    reach: reported('county'),
  }),

  // ── 五(一) 责任机制：调度 ───────────────────────────────────────────────────────────────
  target({
    id: 'T-5-1-dispatch-city-monthly',
    clause: '五(一)',
    text: '落实市级党政主要负责人一月一调度',
    indicator: '市级调度次数',
    unit: '次',
    planned: 1,
    comparison: 'atLeast',
    per: '每月',
    ...BY_2020,
    progress: 'level',
    reach: computed(['dispatch'], '市级调度记录按月计数（已结束的月份；每月一条记录），取各月中的最小值：每月都有调度为 1，缺任一月为 0；另报按时率（期末次日内录入的占应调度次数）'),
  }),
  target({
    id: 'T-5-1-dispatch-county-weekly',
    clause: '五(一)',
    text: '县级党政主要负责人一周一调度',
    indicator: '县级调度次数',
    unit: '次',
    planned: 1,
    comparison: 'atLeast',
    per: '每个区县每周',
    ...BY_2020,
    progress: 'level',
    reach: computed(['dispatch'], '各区县（现行区划）调度记录按 ISO 周计数（已结束的周），取各区县各周中的最小值：每县每周都有为 1，否则为 0；另报按时率'),
  }),
  target({
    id: 'T-5-1-dispatch-township-village-daily',
    clause: '五(一)',
    text: '乡镇党政主要负责人和村党支部书记、第一书记一天一调度',
    indicator: '乡村调度次数',
    unit: '次',
    planned: 1,
    comparison: 'atLeast',
    per: '每个乡镇、村每天',
    ...BY_2020,
    progress: 'level',
    reach: computed(['dispatch'], '各乡镇（含街道）、村（现行区划）调度记录按日计数（已结束的日），取各区划各日中的最小值：都有为 1，否则为 0；另报按时率'),
  }),

  // ── 五(二) 东西部协作 ──────────────────────────────────────────────────────────────────
  target({
    id: 'T-5-2-eastern-enterprise-per-county',
    clause: '五(二)',
    text: '力争每个贫困县都能依托主导产业引进1户东部大中型骨干龙头企业',
    indicator: '引进东部大中型骨干龙头企业',
    unit: '户',
    planned: 1,
    comparison: 'atLeast',
    per: '每个贫困县',
    ...BY_2020,
    progress: 'milestone',
    reach: reported('county'),
  }),

  // ── 五(四) 党建促脱贫 ──────────────────────────────────────────────────────────────────
  target({
    id: 'T-5-4-reserve-cadres-ratio',
    clause: '五(四)',
    text: '按村干部职数1:1比例,村党组织书记1:2比例分别建立后备队伍库',
    indicator: '村干部后备人选（按职数1:1）',
    unit: '人',
    planned: 1,
    comparison: 'atLeast',
    per: '每个村干部职数',
    ...BY_2020,
    progress: 'level',
    reach: reported('township'),
  }),
  target({
    id: 'T-5-4-reserve-secretaries-ratio',
    clause: '五(四)',
    text: '按村干部职数1:1比例,村党组织书记1:2比例分别建立后备队伍库',
    indicator: '村党组织书记后备人选（按1:2）',
    unit: '人',
    planned: 2,
    comparison: 'atLeast',
    per: '每名村党组织书记',
    ...BY_2020,
    progress: 'level',
    reach: reported('township'),
  }),
  target({
    id: 'T-5-4-concurrent-posts-2018',
    clause: '五(四)',
    text: '2018年70%的村实现应兼(任)尽兼(任)',
    indicator: '村党组织书记、班子成员兼任集体经济和合作组织负责人的村比例',
    unit: '%',
    planned: 70,
    comparison: 'atLeast',
    of: '村',
    year: 2018,
    progress: 'milestone',
    reach: reported('township'),
  }),
  target({
    id: 'T-5-4-concurrent-posts-2020',
    clause: '五(四)',
    text: '2020年实现全部兼任或担任',
    indicator: '村党组织书记、班子成员兼任集体经济和合作组织负责人的村比例',
    ...ALL,
    of: '村',
    year: 2020,
    progress: 'milestone',
    reach: reported('township'),
  }),
];

/**
 * Numbers in the seed that are not targets, each with the verbatim context it stands in and
 * why. Item numbers at the start of a line (1. 2. …) and calendar years (2018年, 2018—2020,
 * 2016年至2018年) are structure, not listed here; catalog.test.ts skips them by rule.
 */
export interface NonTargetNumber {
  clause: string;
  /** Verbatim substring of the seed. */
  context: string;
  /** The digit tokens in `context`, in order. */
  numbers: string[];
  reason: string;
}

export const NON_TARGET_NUMBERS: NonTargetNumber[] = [
  {
    clause: '',
    context: '发布日期:2018-11-05',
    numbers: ['2018', '11', '05'],
    reason: '发布日期（SEED_SOURCE.published），不是目标。',
  },
  {
    clause: '二(二)1',
    context: '签订6个月以上不满1年劳动合同的,按1000元/人的标准给予培训补助',
    numbers: ['6', '1', '1000'],
    reason: '培训补助政策参数（合同期限门槛和补助标准），属补助规则（domain/policy），不是数量目标。',
  },
  {
    clause: '二(二)1',
    context: '签订1年以上(含1年)劳动合同的,按2000元/人的标准给予培训补助',
    numbers: ['1', '1', '2000'],
    reason: '培训补助政策参数（合同期限门槛和补助标准），属补助规则，不是数量目标。',
  },
  {
    clause: '二(二)2',
    context: '吸纳10名以上贫困劳动力,且稳定就业半年以上、按时足额支付劳动报酬的,可给予2万元的一次性补助',
    numbers: ['10', '2'],
    reason: '扶贫车间认定和一次性补助的条件与金额，属补助规则，不是数量目标。',
  },
  {
    clause: '二(二)2',
    context: '稳定就业3年以上、按时足额支付劳动报酬的,可给予6万元的一次性补助',
    numbers: ['3', '6'],
    reason: '扶贫车间一次性补助的条件与金额，属补助规则。',
  },
  {
    clause: '二(二)2',
    context: '按有关规定给予5万元的一次性补助',
    numbers: ['5'],
    reason: '返乡人员创办的扶贫车间一次性补助金额，属补助规则。',
  },
  {
    clause: '二(二)2',
    context: '按照有关规定给予10万元的一次性补助',
    numbers: ['10'],
    reason: '省级创业典型创办的扶贫车间一次性补助金额，属补助规则。',
  },
  {
    clause: '二(二)4',
    context: '符合条件的可按规定给予5万元一次性省级补助',
    numbers: ['5'],
    reason: '入驻省级创业就业孵化示范基地项目的一次性省级补助金额，属补助规则。',
  },
  {
    clause: '二(四)',
    context: '教育信息化2.0行动计划',
    numbers: ['2.0'],
    reason: '国家行动计划的名称，不是数量。',
  },
  {
    clause: '二(七)',
    context: '对16周岁以上有长期照料护理需求的贫困重度残疾人',
    numbers: ['16'],
    reason: '照料护理政策的适用年龄条件，不是目标。',
  },
  {
    clause: '四(二)',
    context: '抓住省上1000亿元特色产业发展工程贷款和500亿元农产品收购贷款以及500亿元特色产业发展基金机遇',
    numbers: ['1000', '500', '500'],
    reason: '省级贷款和基金的总规模，是可争取的外部资源，不是我市承诺的目标。',
  },
  {
    clause: '四(二)',
    context: '“3+1”保险保障体系',
    numbers: ['3', '1'],
    reason: '保障体系的名称（三项保底加低保兜底），不是数量。',
  },
  {
    clause: '四(三)',
    context: '按不低于所在地土地等别相对应《全国工业用地出让最低价标准》的70%执行',
    numbers: ['70'],
    reason: '工业用地出让底价的政策下限，属土地政策规则，不是数量目标。',
  },
  {
    clause: '五(一)',
    context: '11个专责工作组和市直相关部门承担议定事项落实的责任',
    numbers: ['11'],
    reason: '组织架构（专责工作组的个数），是调度的对象而非目标。',
  },
];

/** Every target active in `year`: due that year, or running over a period that includes it. */
export function targetsForYear(year: number, targets: readonly PlanTarget[] = PLAN_TARGETS): PlanTarget[] {
  return targets.filter((t) => {
    if (t.year === year) return true;
    const span = parsePeriod(t.period);
    return span !== null && year >= span.from && year <= span.to;
  });
}

/** The targets whose deadline year is `year`. */
export function targetsDueIn(year: number, targets: readonly PlanTarget[] = PLAN_TARGETS): PlanTarget[] {
  return targets.filter((t) => t.year === year);
}

export function targetById(id: string): PlanTarget | undefined {
  return PLAN_TARGETS.find((t) => t.id === id);
}

/** 'YYYY-YYYY' → its first and last year; null when absent or malformed. */
export function parsePeriod(period: string | undefined): { from: number; to: number } | null {
  if (period === undefined) return null;
  const m = /^(\d{4})-(\d{4})$/.exec(period);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from <= to ? { from, to } : null;
}

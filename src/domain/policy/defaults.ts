/**
 * The default rule tables: what the seed (Lanzhou, 2018-11-05) states, with its clause and words,
 * and the national or provincial parameters it takes for granted. An administrator replaces or
 * extends any table (a new version with its own effective dates); calculators only ever read
 * parameters from the rule they are given.
 *
 * Seed rules start on 2018-01-01 because the plan governs the years 2018–2020 and sets 2018 targets
 * (it was published on 2018-11-05); they have no end date because the text sets none
 * (三(七): 贫困县退出后,相关政策保持一段时间).
 */
import type { PolicyRule } from './rules.js';

export const SEED_SOURCE = '兰州市《关于打好打赢脱贫攻坚战巩固提升脱贫成果三年行动的实施方案》（2018-11-05发布）';
const SEED_FROM = '2018-01-01';

// ---------------------------------------------------------------------------------------------
// Parameter shapes

/** 二(二)1: subsidy per person by length of the labour contract. */
export interface TrainingSubsidyParams {
  /** The highest tier whose minMonths the contract reaches applies; below every tier, nothing. */
  tiers: Array<{ minMonths: number; amountPerPerson: number; label: string }>;
}

export type WorkshopAwardCode = 'HALF_YEAR' | 'THREE_YEARS' | 'RETURNEE' | 'PROVINCIAL_MODEL';

/** 二(二)2: one-off awards to a certified 扶贫车间. */
export interface WorkshopAwardParams {
  /** 吸纳N名以上贫困劳动力 (以上 includes N). */
  minPoorLabourers: number;
  /** Awards by months of stable employment, paid wages on time and in full. */
  employmentAwards: Array<{ code: 'HALF_YEAR' | 'THREE_YEARS'; minMonths: number; amount: number; label: string }>;
  /** 返乡人员创办的新型农业经营主体认定为“扶贫车间”的. */
  returneeAmount: number;
  /** 省级创业典型创办的“扶贫车间”. */
  provincialModelAmount: number;
}

/** 二(二)4: one-off provincial subsidy in a provincial incubation demonstration base. */
export interface IncubationParams {
  amount: number;
}

/** A band of a payer step: `ratio` of the amount above the deductible up to `upTo` (cumulative). */
export interface PayerBand {
  upTo: number | null;
  ratio: number;
}

/** One payer of the health chain, applied to the compliant cost the previous payers left. */
export interface PayerStep {
  payer: string;
  /** Who the step pays for: the insured (基本医保, 大病保险) or those entitled to 医疗救助. */
  requires: 'insured' | 'assistance';
  /** 起付线 per year (yuan). */
  deductible: number;
  bands: PayerBand[];
  /** 年度最高支付限额 (yuan); null for none. */
  cap: number | null;
}

/** 二(五): 基本医保 → 大病保险 → 医疗救助, yearly parameters. */
export interface HealthChainParams {
  steps: PayerStep[];
}

/** 二(五): the seed's targets for registered poor people. */
export interface HealthTargetParams {
  /** 合规医疗费用实际报销比例达到 (≥). */
  minReimbursementRatio: number;
  /** 个人自负合规医疗费用年累计控制在…以内 (≤, yuan per person per year). */
  maxOutOfPocket: number;
}

export type PensionGroupCode =
  | 'REGISTERED_POOR_NOT_EXITED'
  | 'DIBAO_CLASS'
  | 'SEVERE_DISABILITY'
  | 'FAMILY_PLANNING_TWO_CERTIFICATES'
  | 'TEKUN';

/** 二(六): government pays the resident pension contribution of the listed groups. */
export interface PensionContributionParams {
  /** 最低档次个人缴费 (yuan per year). */
  lowestGradeAmount: number;
  /** Share of the lowest grade the government pays: 全部 = 1. */
  governmentShare: number;
  /** 参保条件: 年满16周岁（不含在校学生）. */
  minAge: number;
  /** 年满60周岁领取待遇, no longer pays contributions. */
  benefitAge: number;
  groups: Array<{ code: PensionGroupCode; label: string; basis: string; unverified?: boolean }>;
  /** 一二类低保对象. */
  dibaoClasses: number[];
  /** 一二类残疾人, read as disability grades (残疾等级). */
  disabilityGrades: string[];
}

/** 二(六): 低保 coverage (应保尽保) and the two-way link with the registry. */
export interface DibaoParams {
  /** 农村低保标准 (yuan per person per year). */
  standardPerPersonYear: number;
  /** 低保 classes whose unresolved 三保障 brings them into the registry (一、二类). */
  registerClasses: number[];
  /** 劳动技能 values meaning no labour capacity (完全丧失劳动能力). */
  noLabourSkills: string[];
  /** 劳动技能 values meaning partial labour capacity (部分丧失劳动能力). */
  partialLabourSkills: string[];
}

/** 三(五): village collective income target. */
export interface CollectiveIncomeParams {
  minAnnualIncome: number;
  scope: 'registeredPoorVillages' | 'allVillages';
}

export type GapCode =
  | 'FOOD_INSECURE'
  | 'CLOTHING_INSECURE'
  | 'DROPOUT'
  | 'NOT_ENROLLED'
  | 'DISABLED_CHILD_OUT_OF_SCHOOL'
  | 'UNINSURED'
  | 'UNTREATED_SERIOUS_ILLNESS'
  | 'MEDICAL_BURDEN'
  | 'NO_FAMILY_DOCTOR'
  | 'CHRONIC_UNMANAGED'
  | 'DANGEROUS_HOUSE'
  | 'NO_HOUSE'
  | 'RELOCATION_NOT_MOVED_IN'
  | 'UNSAFE_WATER'
  | 'WATER_QUALITY';

/** 一(三) 两不愁三保障 (plus safe water): what counts as secure, and the measures a gap proposes. */
export interface LianbuchouParams {
  compulsoryAgeFrom: number;
  compulsoryAgeTo: number;
  /** A child this old or younger may still be in 学前教育. */
  preschoolUntilAge: number;
  compulsorySchoolStatuses: string[];
  beyondCompulsoryStatuses: string[];
  secureHouseGrades: string[];
  unsafeHouseGrades: string[];
  /** Catalog codes proposed for each gap. */
  proposals: Record<GapCode, string[]>;
}

/** Gansu practice: conditions that block a household's exit. */
export interface ExitBlockerParams {
  houseGrades: string[];
  dropout: boolean;
  untreatedSeriousIllness: boolean;
  transferOnlyIncome: boolean;
}

export interface RuleTables {
  trainingSubsidy: PolicyRule<TrainingSubsidyParams>[];
  workshopAwards: PolicyRule<WorkshopAwardParams>[];
  incubationSubsidy: PolicyRule<IncubationParams>[];
  healthChain: PolicyRule<HealthChainParams>[];
  healthTargets: PolicyRule<HealthTargetParams>[];
  pensionContribution: PolicyRule<PensionContributionParams>[];
  dibao: PolicyRule<DibaoParams>[];
  collectiveIncome: PolicyRule<CollectiveIncomeParams>[];
  lianbuchou: PolicyRule<LianbuchouParams>[];
  exitBlockers: PolicyRule<ExitBlockerParams>[];
}

// ---------------------------------------------------------------------------------------------
// Defaults

const SCHOOL_BEYOND_COMPULSORY = [
  '高中一年级', '高中二年级', '高中三年级',
  '中职一年级', '中职二年级', '中职三年级',
  '高职一年级', '高职二年级', '高职三年级',
  '大专及以上',
];

export const DEFAULT_RULES: RuleTables = {
  trainingSubsidy: [
    {
      id: 'training-subsidy-2018',
      title: '企业培训并吸纳贫困家庭劳动力就业的培训补助',
      clause: '二(二)1',
      source: SEED_SOURCE,
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '企业与贫困家庭劳动力签订6个月以上不满1年劳动合同的,按1000元/人的标准给予培训补助;签订1年以上(含1年)劳动合同的,按2000元/人的标准给予培训补助',
      note: '“以上”含本数（《民法典》第一千二百五十九条），故满6个月即可；1年按12个月计。',
      params: {
        tiers: [
          { minMonths: 6, amountPerPerson: 1000, label: '6个月以上不满1年' },
          { minMonths: 12, amountPerPerson: 2000, label: '1年以上(含1年)' },
        ],
      },
    },
  ],
  workshopAwards: [
    {
      id: 'workshop-awards-2018',
      title: '“扶贫车间”一次性补助',
      clause: '二(二)2',
      source: SEED_SOURCE,
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '经认定的“扶贫车间”吸纳10名以上贫困劳动力,且稳定就业半年以上、按时足额支付劳动报酬的,可给予2万元的一次性补助',
      note: '四项补助原文分别规定，未写明能否叠加；计算器分别列出各项，是否叠加由区县按有关规定决定。',
      params: {
        minPoorLabourers: 10,
        employmentAwards: [
          { code: 'HALF_YEAR', minMonths: 6, amount: 20000, label: '稳定就业半年以上' },
          { code: 'THREE_YEARS', minMonths: 36, amount: 60000, label: '稳定就业3年以上' },
        ],
        returneeAmount: 50000,
        provincialModelAmount: 100000,
      },
    },
  ],
  incubationSubsidy: [
    {
      id: 'incubation-subsidy-2018',
      title: '入驻省级创业就业孵化示范基地（园区）一次性省级补助',
      clause: '二(二)4',
      source: SEED_SOURCE,
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '对入驻省级创业就业孵化示范基地(园区)内的创业项目和创业实体,符合条件的可按规定给予5万元一次性省级补助',
      note: '“符合条件”“按规定”的具体条件由省级文件规定，种子文本未列出，需由人社部门认定。',
      params: { amount: 50000 },
    },
  ],
  healthChain: [
    {
      id: 'health-chain-default',
      title: '基本医保、大病保险、医疗救助报销参数（年度）',
      clause: '二(五)',
      source: '甘肃省城乡居民基本医疗保险、大病保险和医疗救助政策（参数为占位默认值，待按当年文件核实）',
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '发生的合规费用由相关部门提供基本医保、大病保险和医疗救助“一站式”即时结报服务',
      unverified: true,
      unverifiedParams: ['steps'],
      note: '种子文本只规定三重保障“一站式”结报，未给出起付线、报销比例和封顶线；这些数值是占位默认值，须由医保部门按当年政策录入。起付线按年度合计，不区分医院级别和住院次数。',
      params: {
        steps: [
          { payer: '基本医保', requires: 'insured', deductible: 500, bands: [{ upTo: null, ratio: 0.7 }], cap: 150000 },
          {
            payer: '大病保险',
            requires: 'insured',
            deductible: 3000,
            bands: [
              { upTo: 50000, ratio: 0.6 },
              { upTo: 100000, ratio: 0.7 },
              { upTo: null, ratio: 0.8 },
            ],
            cap: null,
          },
          { payer: '医疗救助', requires: 'assistance', deductible: 0, bands: [{ upTo: null, ratio: 0.7 }], cap: 60000 },
        ],
      },
    },
  ],
  healthTargets: [
    {
      id: 'health-targets-2018',
      title: '建档立卡贫困人口合规医疗费用报销目标',
      clause: '二(五)',
      source: SEED_SOURCE,
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '确保建档立卡贫困人口合规医疗费用实际报销比例达到85%、个人自负合规医疗费用年累计控制在3000元以内',
      note: '“达到85%”含85%；“3000元以内”含3000元（《民法典》第一千二百五十九条）。两项目标都按合规（政策范围内）费用计算。',
      params: { minReimbursementRatio: 0.85, maxOutOfPocket: 3000 },
    },
  ],
  pensionContribution: [
    {
      id: 'pension-contribution-2018',
      title: '城乡居民基本养老保险政府代缴最低档次个人缴费',
      clause: '二(六)',
      source: `${SEED_SOURCE}；参保条件按《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）`,
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '对符合参保条件的建档立卡未标注脱贫的贫困人口、一二类低保对象、一二类残疾人、计划生育“两证户”等特困人口,由政府代缴全部最低档次个人缴费',
      unverified: true,
      unverifiedParams: ['lowestGradeAmount', 'groups.TEKUN', 'disabilityGrades'],
      note: '种子文本未写最低档次的金额，100元/年是国发〔2014〕8号所列最低档，甘肃当年档次须核实；“等特困人口”中的特困供养人员按国家社会保险扶贫政策列入，待核实；“一二类残疾人”按残疾等级一级、二级理解，待核实。',
      params: {
        lowestGradeAmount: 100,
        governmentShare: 1,
        minAge: 16,
        benefitAge: 60,
        groups: [
          { code: 'REGISTERED_POOR_NOT_EXITED', label: '建档立卡未标注脱贫的贫困人口', basis: '二(六)' },
          { code: 'DIBAO_CLASS', label: '一二类低保对象', basis: '二(六)' },
          { code: 'SEVERE_DISABILITY', label: '一二类残疾人', basis: '二(六)' },
          { code: 'FAMILY_PLANNING_TWO_CERTIFICATES', label: '计划生育“两证户”', basis: '二(六)' },
          { code: 'TEKUN', label: '特困供养人员', basis: '二(六)“等特困人口”；国家社会保险扶贫政策', unverified: true },
        ],
        dibaoClasses: [1, 2],
        disabilityGrades: ['一级', '二级'],
      },
    },
  ],
  dibao: [
    {
      id: 'dibao-2018',
      title: '农村最低生活保障应保尽保及与建档立卡衔接',
      clause: '二(六)',
      source: `${SEED_SOURCE}；补差发放按《社会救助暂行办法》第十三条`,
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '将完全丧失劳动能力和部分丧失劳动能力且无法依靠产业就业帮扶脱贫的贫困人口纳入低保范围',
      unverified: true,
      unverifiedParams: ['standardPerPersonYear'],
      note: '种子文本要求低保标准动态调整但未写金额；4000元/人·年为占位默认值，须由民政部门按当年兰州市农村低保标准录入。分类施保金额由民政部门核定，计算器只给补差参考额。',
      params: {
        standardPerPersonYear: 4000,
        registerClasses: [1, 2],
        noLabourSkills: ['丧失劳动力', '无劳动力'],
        partialLabourSkills: ['弱劳动力或半劳动力'],
      },
    },
  ],
  collectiveIncome: [
    {
      id: 'collective-income-2018',
      title: '建档立卡贫困村村级集体经济收入目标',
      clause: '三(五)',
      source: SEED_SOURCE,
      effectiveFrom: SEED_FROM,
      effectiveTo: '2019-12-31',
      quote: '2018年,实现全市256个建档立卡贫困村村级集体收入稳定达到5万元以上',
      params: { minAnnualIncome: 50000, scope: 'registeredPoorVillages' },
    },
    {
      id: 'collective-income-2020',
      title: '全市行政村村级集体经济收入目标',
      clause: '三(五)',
      source: SEED_SOURCE,
      effectiveFrom: '2020-01-01',
      effectiveTo: null,
      quote: '到2020年底,实现全市730个行政村村级集体经济收入均达到5万元以上',
      params: { minAnnualIncome: 50000, scope: 'allVillages' },
    },
  ],
  lianbuchou: [
    {
      id: 'lianbuchou-2018',
      title: '“两不愁、三保障”及饮水安全评估口径',
      clause: '一(三)',
      source: `${SEED_SOURCE}；义务教育年龄按《义务教育法》第十一条；住房等级按住房城乡建设部《农村危险房屋鉴定技术导则（试行）》`,
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      quote: '严格落实“两不愁、三保障”要求',
      unverified: true,
      unverifiedParams: ['compulsoryAgeTo'],
      note: '义务教育适龄按6至15周岁（常用口径，上限待核实）；满6周岁仍在学前教育的视为正常（条件不具备地区可推迟到7周岁，可改preschoolUntilAge）。',
      params: {
        compulsoryAgeFrom: 6,
        compulsoryAgeTo: 15,
        preschoolUntilAge: 6,
        compulsorySchoolStatuses: ['小学', '七年级', '八年级', '九年级'],
        beyondCompulsoryStatuses: SCHOOL_BEYOND_COMPULSORY,
        secureHouseGrades: ['A', 'B'],
        unsafeHouseGrades: ['C', 'D'],
        proposals: {
          FOOD_INSECURE: ['TEMPORARY_ASSISTANCE', 'DIBAO'],
          CLOTHING_INSECURE: ['TEMPORARY_ASSISTANCE', 'LOVE_SUPERMARKET'],
          DROPOUT: ['EDU_DROPOUT_PREVENTION', 'EDU_TWO_EXEMPTIONS', 'EDU_BOARDING_SUBSIDY', 'EDU_STUDENT_AID'],
          NOT_ENROLLED: ['EDU_DROPOUT_PREVENTION', 'EDU_TWO_EXEMPTIONS', 'EDU_NUTRITION'],
          DISABLED_CHILD_OUT_OF_SCHOOL: ['SPECIAL_EDUCATION', 'DISABILITY_REHABILITATION'],
          UNINSURED: ['HEALTH_INSURANCE_SUBSIDY'],
          UNTREATED_SERIOUS_ILLNESS: ['HEALTH_THREE_BATCHES', 'HEALTH_PAY_AFTER_TREATMENT', 'HEALTH_ONE_STOP_SETTLEMENT', 'HEALTH_MEDICAL_ASSISTANCE'],
          MEDICAL_BURDEN: ['HEALTH_REIMBURSEMENT_GUARANTEE', 'HEALTH_MEDICAL_ASSISTANCE'],
          NO_FAMILY_DOCTOR: ['HEALTH_FAMILY_DOCTOR'],
          CHRONIC_UNMANAGED: ['HEALTH_CHRONIC_MANAGEMENT', 'HEALTH_FAMILY_DOCTOR'],
          DANGEROUS_HOUSE: ['DANGEROUS_HOUSE_RENOVATION', 'NEW_DANGEROUS_HOUSE'],
          NO_HOUSE: ['DANGEROUS_HOUSE_RENOVATION', 'RELOCATION'],
          RELOCATION_NOT_MOVED_IN: ['RELOCATION'],
          UNSAFE_WATER: ['DRINKING_WATER', 'WATER_SUPPLY_POINTS'],
          WATER_QUALITY: ['WATER_CELLAR_PURIFIER', 'DRINKING_WATER'],
        },
      },
    },
  ],
  exitBlockers: [
    {
      id: 'exit-blockers-gansu',
      title: '甘肃贫困户退出否决情形',
      clause: '甘肃省贫困人口退出验收做法',
      source: 'DOMAIN.md「Lifecycle and procedures」所述甘肃做法（未对照正式文件条文）',
      effectiveFrom: SEED_FROM,
      effectiveTo: null,
      unverified: true,
      unverifiedParams: ['houseGrades', 'dropout', 'untreatedSeriousIllness', 'transferOnlyIncome'],
      note: '来源是对甘肃做法的描述，尚未对照省级退出验收文件逐条核实。',
      params: { houseGrades: ['C', 'D'], dropout: true, untreatedSeriousIllness: true, transferOnlyIncome: true },
    },
  ],
};

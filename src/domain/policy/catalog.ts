/**
 * The measure catalog: every measure the seed names under 二 (the eight actions, 八大行动) and
 * 三 (the seven projects, 七项工程), plus the household-level finance measures of 四(二) that
 * issue 4 asks for (poverty micro-loans, agricultural insurance). Each cites its clause and
 * quotes the seed verbatim (`quote`, tested to be inside that clause).
 *
 * `benefitType` says which income line a benefit received under the measure feeds (DOMAIN.md
 * 「Household and member」: 工资性, 生产经营性, 财产性, 转移性), or that it is not household income.
 */
import type { IncomeYear } from '../income.js';
import type { CalculatorId } from './calculators.js';

export type ActionGroup = '八大行动' | '七项工程' | '四个支撑';

export interface Action {
  clause: string;
  /** As the seed's heading names it (without 着力推进). */
  title: string;
  group: ActionGroup;
}

export const ACTIONS: readonly Action[] = [
  { clause: '二(一)', title: '产业扶贫行动', group: '八大行动' },
  { clause: '二(二)', title: '就业扶贫行动', group: '八大行动' },
  { clause: '二(三)', title: '生态补偿扶贫行动', group: '八大行动' },
  { clause: '二(四)', title: '教育扶贫行动', group: '八大行动' },
  { clause: '二(五)', title: '健康扶贫行动', group: '八大行动' },
  { clause: '二(六)', title: '社会保障性兜底扶贫行动', group: '八大行动' },
  { clause: '二(七)', title: '贫困残疾人脱贫行动', group: '八大行动' },
  { clause: '二(八)', title: '扶贫扶志行动', group: '八大行动' },
  { clause: '三(一)', title: '乡村道路改造提升工程', group: '七项工程' },
  { clause: '三(二)', title: '农村饮水安全巩固提升工程', group: '七项工程' },
  { clause: '三(三)', title: '安全住房巩固扫尾工程', group: '七项工程' },
  { clause: '三(四)', title: '网络扶贫推进工程', group: '七项工程' },
  { clause: '三(五)', title: '贫困村集体经济培育壮大工程', group: '七项工程' },
  { clause: '三(六)', title: '贫困乡村农村人居环境整治工程', group: '七项工程' },
  { clause: '三(七)', title: '脱贫动态管理常态化工程', group: '七项工程' },
  { clause: '四(二)', title: '强化金融扶贫支撑', group: '四个支撑' },
];

export type BenefitType =
  | 'wage'
  | 'business'
  | 'property'
  | 'transfer'
  | 'in_kind'
  | 'service'
  | 'infrastructure'
  | 'organisation'
  | 'finance'
  | 'governance';

export type IncomeLine = 'wage' | 'business' | 'property' | 'transfer';

export const BENEFIT_TYPES: Record<BenefitType, { label: string; incomeLine: IncomeLine | null }> = {
  wage: { label: '工资性收入', incomeLine: 'wage' },
  business: { label: '生产经营性收入', incomeLine: 'business' },
  property: { label: '财产性收入', incomeLine: 'property' },
  transfer: { label: '转移性收入', incomeLine: 'transfer' },
  in_kind: { label: '代缴、减免、报销（不计入家庭收入）', incomeLine: null },
  service: { label: '服务（不计入家庭收入）', incomeLine: null },
  infrastructure: { label: '基础设施和住房（不计入家庭收入）', incomeLine: null },
  organisation: { label: '扶持经营主体或村集体（不计入农户收入）', incomeLine: null },
  finance: { label: '信贷和保险（不计入家庭收入）', incomeLine: null },
  governance: { label: '工作机制（不直接到户）', incomeLine: null },
};

/** Who receives the measure: plans of a household use the household and person ones. */
export type Recipient = 'household' | 'person' | 'village' | 'area' | 'organisation';

export interface Measure {
  /** Stable, upper snake case. */
  code: string;
  /** Which action or project (ACTIONS title). */
  action: string;
  title: string;
  clause: string;
  /** Words of the seed, verbatim, inside `clause`. */
  quote: string;
  description: string;
  unit?: string;
  calculator?: CalculatorId;
  benefitType: BenefitType;
  /** The "of which" item of the income line (IncomeYear), when there is one. */
  incomeItem?: Extract<keyof IncomeYear, 'publicWelfareWage' | 'dividend' | 'dibao' | 'tekun' | 'pension' | 'ecoComp' | 'otherTransfer'>;
  recipient: Recipient;
}

type Extra = Partial<Pick<Measure, 'unit' | 'calculator' | 'incomeItem'>>;

function m(
  code: string,
  action: string,
  clause: string,
  title: string,
  quote: string,
  benefitType: BenefitType,
  recipient: Recipient,
  description: string,
  extra: Extra = {},
): Measure {
  return { code, action, title, clause, quote, description, benefitType, recipient, ...extra };
}

const A1 = '产业扶贫行动';
const A2 = '就业扶贫行动';
const A3 = '生态补偿扶贫行动';
const A4 = '教育扶贫行动';
const A5 = '健康扶贫行动';
const A6 = '社会保障性兜底扶贫行动';
const A7 = '贫困残疾人脱贫行动';
const A8 = '扶贫扶志行动';
const P1 = '乡村道路改造提升工程';
const P2 = '农村饮水安全巩固提升工程';
const P3 = '安全住房巩固扫尾工程';
const P4 = '网络扶贫推进工程';
const P5 = '贫困村集体经济培育壮大工程';
const P6 = '贫困乡村农村人居环境整治工程';
const P7 = '脱贫动态管理常态化工程';
const F2 = '强化金融扶贫支撑';

export const CATALOG: readonly Measure[] = [
  // 二(一) 产业扶贫行动
  m('INDUSTRY_HOUSEHOLD_SUPPORT', A1, '二(一)1', '到户产业扶持', '到户扶持的增收项目和资金实现对有发展产业需求的建档立卡贫困人口全覆盖', 'business', 'household',
    '按“一户一策”产业发展计划，扶持马铃薯、高原夏菜、中药材、百合、玫瑰和草食畜等特色种植养殖增收项目和资金，产业项目精准到户。'),
  m('INDUSTRY_FUND_SHARES', A1, '二(一)1', '到户产业扶贫资金配股到龙头企业或合作社', '将到户产业扶贫资金配股到与贫困户发展产业密切关联有发展前景的龙头企业或专业合作社', 'property', 'household',
    '2019—2020年由区县根据家庭人口、劳动力、农户意愿和经营主体状况配股，建立贫困户与经营主体利益连接机制；分红计入财产性收入。', { incomeItem: 'dividend' }),
  m('INDUSTRY_ASSESSMENT', A1, '二(一)1', '产业扶贫纳入考核和离任审计', '将产业扶贫纳入贫困县扶贫成效考核和党政一把手离任审计', 'governance', 'area',
    '引导各地发展长期稳定的脱贫产业项目。'),
  m('LEADING_ENTERPRISE', A1, '二(一)2', '培育带贫龙头企业', '每个贫困县每个特色优势产业都组建1个以上带贫能力强、辐射面广的龙头企业', 'organisation', 'organisation',
    '自身发展、嫁接引进、政府主导组建龙头企业，龙头企业对特色产业合作社全覆盖。', { unit: '个' }),
  m('COOPERATIVE_SUPPORT', A1, '二(一)2', '扶持贫困村新建合作社', '采取定额补助、先建后补、贷款贴息等方式,对贫困村新建合作社进行扶持', 'organisation', 'village',
    '每个建档立卡贫困村有2个以上运行规范、带动能力强的专业合作社，2018年256个贫困村合作社全覆盖。', { unit: '个' }),
  m('BENEFIT_LINKAGE', A1, '二(一)2', '龙头企业、合作社与贫困户利益联结', '以贫困户入股资金为纽带', 'property', 'household',
    '结合“三变”改革，龙头企业以代养、托管、订单托底收购等形式与合作社、贫困户建立产销合作和利益联结；入股分红计入财产性收入。', { incomeItem: 'dividend' }),
  m('AGRI_TECH_SERVICE', A1, '二(一)3', '农业科技人员技术指导服务', '每个建档立卡贫困村有1名农业科技人员', 'service', 'village',
    '引进推广新技术、新品种、新工艺，为贫困村和贫困户发展产业提供技术指导和服务。'),
  m('ANIMAL_DISEASE_CONTROL', A1, '二(一)3', '动物疫病防控', '加强县乡动物疫病防控体系建设', 'service', 'area', '加强县乡动物疫病防控体系，抓好动物疫病防治。'),
  m('PRODUCT_MARKETING', A1, '二(一)3', '农产品产销对接和以购代捐', '推广以购代捐的扶贫模式', 'business', 'household',
    '推动批发市场、电商、超市与贫困村建立产销关系，供销、邮政网点延伸到贫困村，农产品定向直供直销学校、医院、机关食堂和交易市场；销售收入计入生产经营性收入。'),
  m('EXPRESS_AND_COLD_CHAIN', A1, '二(一)3', '“快递下乡”和冷链设施', '加快推进“快递下乡”工程', 'infrastructure', 'area',
    '完善贫困地区农村物流配送体系，加强特色优势农产品生产基地冷链设施建设。'),
  m('RURAL_TOURISM_VILLAGE', A1, '二(一)4', '旅游专业村和乡村旅游设施', '今后三年全市集中扶持34个旅游专业村', 'infrastructure', 'village',
    '支持以旅游专业村、乡村客栈、旅游厕所等为重点的基础设施建设，扶持具备条件的贫困村发展乡村旅游。', { unit: '个' }),
  m('RURAL_TOURISM_FARMSTAY', A1, '二(一)4', '农家乐', '建成农家乐1000户', 'business', 'household',
    '发展田园观光、休闲度假、民俗体验等乡村旅游，带动脱贫人口增收；经营收入计入生产经营性收入。', { unit: '户' }),
  m('PV_POVERTY', A1, '二(一)5', '光伏扶贫', '帮扶1073户建档立卡贫困户增收', 'property', 'household',
    '2018年底前建成并网3.775兆瓦，扶持51个贫困村、1073户贫困户；2019年覆盖符合条件区县无集体经济收入的贫困村。收益到户的计入财产性收入（资产收益）。',
    { incomeItem: 'dividend', unit: '户' }),
  m('ECOMMERCE', A1, '二(一)6', '电商扶贫', '加大对具备条件的建档立卡贫困户的培训力度', 'business', 'household',
    '电商企业与贫困户精准对接，开展电子商务培训，扩大特色农产品网上销售；销售收入计入生产经营性收入。'),
  m('ECOMMERCE_RURAL_DEMO', A1, '二(一)6', '电子商务进农村综合示范和电商物流', '实现3个片区县电子商务进农村综合示范全覆盖', 'infrastructure', 'area',
    '到2020年区县到乡镇电商物流通行率80%，乡镇到村40%。'),

  // 二(二) 就业扶贫行动
  m('LABOUR_TRAINING', A2, '二(二)1', '精准扶贫劳动力培训', '全市开展精准扶贫劳动力培训2.02万人次', 'service', 'person',
    '统筹培训资源，按需培训，培训一人、就业一人、稳定脱贫一家。', { unit: '人次' }),
  m('TRANSFER_EMPLOYMENT', A2, '二(二)1', '劳动力输转就业', '按需培训,按意愿输转', 'wage', 'person',
    '按意愿输转就业，支撑和带动1.05万以上贫困人口达到脱贫收入水平；务工收入计入工资性收入。'),
  m('TRAINING_SUBSIDY', A2, '二(二)1', '企业培训吸纳就业培训补助', '按2000元/人的标准给予培训补助', 'organisation', 'organisation',
    '对培训并吸纳贫困家庭劳动力就业的企业：劳动合同6个月以上不满1年1000元/人，1年以上（含1年）2000元/人。', { unit: '元/人', calculator: 'trainingSubsidy' }),
  m('WORKSHOP_JOBS', A2, '二(二)2', '“扶贫车间”就业', '兴办厂房式、居家式、合作社式、“互联网+”式等多种形式的“扶贫车间”', 'wage', 'person',
    '在贫困区县和乡村兴办“扶贫车间”，吸纳贫困劳动力就近就业；劳动报酬计入工资性收入。'),
  m('WORKSHOP_AWARD', A2, '二(二)2', '“扶贫车间”一次性补助', '可给予2万元的一次性补助', 'organisation', 'organisation',
    '经认定的“扶贫车间”吸纳10名以上贫困劳动力：稳定就业半年以上2万元，3年以上6万元；返乡人员创办5万元；省级创业典型创办10万元；另有财政奖补、金融支持及土地、用房、水电扶持。',
    { unit: '元/个（一次性）', calculator: 'workshopAwards' }),
  m('PUBLIC_WELFARE_POST', A2, '二(二)3', '村级公益性岗位', '开发3613个村级公益性设施共管共享岗位', 'wage', 'person',
    '优先选聘贫困家庭劳动力从事护路、保洁、绿化、水电保障、公益设施管理；岗位收入计入工资性收入（其中公益性岗位收入）。', { incomeItem: 'publicWelfareWage', unit: '个' }),
  m('RETURNEE_ENTREPRENEURSHIP', A2, '二(二)4', '返乡创业扶持', '综合运用免费创业培训、创业贷款贴息、灵活就业补贴、初始创业补贴、带动就业补贴、创业孵化补贴等扶持政策', 'business', 'person',
    '支持返乡农民工、农村复转军人等创业。'),
  m('ENTREPRENEURSHIP_BASE', A2, '二(二)4', '创业示范基地、孵化基地、农民创业园', '吸纳建档立卡贫困家庭劳动力入园就业创业', 'organisation', 'organisation',
    '入驻创业者按规定减免租金、水电等费用并享受税费优惠。'),
  m('INCUBATION_BASE_SUBSIDY', A2, '二(二)4', '省级创业就业孵化示范基地一次性补助', '符合条件的可按规定给予5万元一次性省级补助', 'organisation', 'organisation',
    '入驻省级创业就业孵化示范基地（园区）的创业项目和创业实体，符合条件的一次性省级补助5万元。', { unit: '元/个（一次性）', calculator: 'incubationSubsidy' }),
  m('EMPLOYER_INCENTIVES', A2, '二(二)5', '吸纳贫困劳动力就业奖补', '执行就业奖补、创业补助、社保补贴、培训补助等方面的激励措施', 'organisation', 'organisation',
    '鼓励企业、合作社、种养大户、家庭农场、农村电商等吸纳贫困家庭劳动力稳定就业。'),
  m('LABOUR_COOPERATION', A2, '二(二)6', '扶贫劳务协作', '推动建档立卡贫困劳动力转移就业', 'wage', 'person',
    '依托定点帮扶、东西部扶贫协作和对口支援，扶持劳务中介和劳务经纪人，提高劳务输转组织化程度。'),

  // 二(三) 生态补偿扶贫行动
  m('ECO_RANGER', A3, '二(三)', '生态护林员', '新增选聘生态护林员66名', 'wage', 'person',
    '在有劳动能力的贫困人口中选聘；管护劳务报酬计入工资性收入。', { unit: '名' }),
  m('NATURAL_FOREST_PROTECTION', A3, '二(三)', '天然林保护工程', '加大对贫困地区天然林保护工程建设支持力度', 'infrastructure', 'area', '支持贫困地区天然林保护工程建设。'),
  m('FOREST_STEWARDSHIP', A3, '二(三)', '天然林、集体公益林托管', '推广“合作社+管护+贫困户”模式', 'wage', 'person', '吸纳贫困人口参与管护，劳务报酬计入工资性收入。'),
  m('ECO_COOPERATIVE', A3, '二(三)', '生态扶贫专业合作社（队）', '建设生态扶贫专业合作社(队)', 'wage', 'person', '吸纳贫困人口参与防护林建设和储备林营造。'),
  m('LOW_EFFICIENCY_FOREST', A3, '二(三)', '低产低效林提质增效', '推进贫困地区低产低效林提质增效工程', 'infrastructure', 'area', '贫困地区低产低效林提质增效工程。'),
  m('GRAIN_FOR_GREEN', A3, '二(三)', '新一轮退耕还林还草', '加大贫困地区新一轮退耕还林还草支持力度', 'transfer', 'household',
    '对符合退耕政策的贫困村、贫困户全覆盖；退耕补助计入转移性收入（其中生态补偿金）。', { incomeItem: 'ecoComp' }),
  m('FOREST_RIGHTS_SHARES', A3, '二(三)', '林地经营权入股造林合作社', '鼓励贫困人口将林地经营权入股造林合作社', 'property', 'household',
    '深化集体林权制度改革，增加贫困人口资产性收入。', { incomeItem: 'dividend' }),
  m('ECO_COMPENSATION', A3, '二(三)', '横向生态保护补偿', '完善横向生态保护补偿机制', 'transfer', 'household',
    '让保护生态的贫困县、贫困村、贫困户更多受益；到户补偿计入转移性收入（其中生态补偿金）。', { incomeItem: 'ecoComp' }),
  m('FORESTRY_CARBON_SINK', A3, '二(三)', '林业碳汇交易', '鼓励纳入碳排放权交易市场的重点排放单位购买贫困地区林业碳汇', 'organisation', 'area', '重点排放单位购买贫困地区林业碳汇。'),

  // 二(四) 教育扶贫行动
  m('EDU_DROPOUT_PREVENTION', A4, '二(四)', '控辍保学', '确保贫困家庭适龄学生不因贫失学辍学', 'service', 'person', '贫困地区九年义务教育巩固率高于全省平均水平。'),
  m('EDU_TWO_EXEMPTIONS', A4, '二(四)', '义务教育“两免”', '重点落实义务教育“两免一补”政策', 'in_kind', 'person',
    '“两免一补”中的“两免”（按国家政策为免学杂费、免费提供教科书；原文未展开）。'),
  m('EDU_BOARDING_SUBSIDY', A4, '二(四)', '义务教育“一补”（寄宿生生活费补助）', '重点落实义务教育“两免一补”政策', 'transfer', 'person',
    '“两免一补”中的“一补”（按国家政策为家庭经济困难寄宿生生活费补助；原文未展开），计入转移性收入。', { incomeItem: 'otherTransfer' }),
  m('EDU_NUTRITION', A4, '二(四)', '农村义务教育学生营养改善计划', '实施好农村义务教育学生营养改善计划', 'in_kind', 'person', '改善农村学生营养状况。'),
  m('EDU_STUDENT_AID', A4, '二(四)', '建档立卡贫困家庭学生资助', '完善建档立卡贫困家庭学生教育和资助状况年度报告制度', 'transfer', 'person',
    '逐年报告建档立卡贫困家庭学生的就学和资助情况；资助项目和标准按国家学生资助政策（原文未列）。', { incomeItem: 'otherTransfer' }),
  m('EDU_WEAK_SCHOOL', A4, '二(四)', '义务教育薄弱学校改造', '全面推进贫困地区农村义务教育薄弱学校改造工作', 'infrastructure', 'area', '所有义务教育学校达到“20条底线”要求。'),
  m('EDU_INFORMATIZATION', A4, '二(四)', '教育信息化2.0', '在贫困地区优先实施教育信息化2.0行动计划', 'infrastructure', 'area', '贫困地区优先实施。'),
  m('EDU_RURAL_TEACHERS', A4, '二(四)', '乡村教师支持', '落实教师生活补助政策', 'service', 'area',
    '改善乡村教师待遇，特岗计划，校长教师交流轮岗和对口帮扶，“三县一区”校长骨干教师轮训，选派教师和大学生支教。'),
  m('EDU_VOCATIONAL', A4, '二(四)', '职业教育全覆盖', '实现建档立卡贫困户有技能需求人口职业教育全覆盖', 'service', 'person', '强化精准培养。'),

  // 二(五) 健康扶贫行动
  m('HEALTH_INSURANCE_SUBSIDY', A5, '二(五)', '资助贫困人口参加基本医疗保险', '确保贫困人口参保率100%', 'in_kind', 'person', '全面落实资助贫困人口参保政策，参保率100%。'),
  m('HEALTH_MEDICAL_ASSISTANCE', A5, '二(五)', '医疗救助', '全面落实资助贫困人口参保政策和医疗救助政策', 'in_kind', 'person',
    '基本医保、大病保险之后的第三重保障，一站式结算。', { calculator: 'healthChain' }),
  m('HEALTH_THREE_BATCHES', A5, '二(五)', '健康扶贫工程“三个一批”', '继续实施健康扶贫工程“三个一批”行动计划', 'service', 'person', '切实降低贫困人口就医负担。'),
  m('HEALTH_REIMBURSEMENT_GUARANTEE', A5, '二(五)', '合规医疗费用报销85%、个人自负3000元以内', '确保建档立卡贫困人口合规医疗费用实际报销比例达到85%', 'in_kind', 'person',
    '建档立卡贫困人口合规医疗费用实际报销比例达到85%，个人自负合规医疗费用年累计3000元以内；未达到的兜底补足。', { unit: '元/人·年', calculator: 'healthTopUp' }),
  m('HEALTH_PAY_AFTER_TREATMENT', A5, '二(五)', '先看病后付费', '实行“先看病后付费”', 'service', 'person', '农村贫困人口在定点医疗机构合规就诊。'),
  m('HEALTH_ONE_STOP_SETTLEMENT', A5, '二(五)', '“一站式”即时结报', '基本医保、大病保险和医疗救助“一站式”即时结报服务', 'service', 'person', '合规费用三重保障一站式即时结算。'),
  m('HEALTH_FACILITIES', A5, '二(五)', '县乡村三级卫生服务标准化', '加快推进贫困地区县、乡、村三级卫生服务标准化建设', 'infrastructure', 'area', '乡村医疗卫生机构一体化管理。'),
  m('HEALTH_HOSPITAL_PAIRING', A5, '二(五)', '三级医院结对帮扶县级医院', '继续落实市级三级医院“一对一”帮扶贫困县县级医院', 'service', 'area', '争取全国全省三级医院结对帮扶。'),
  m('HEALTH_GENERAL_PRACTITIONER', A5, '二(五)', '乡镇卫生院全科医生', '贫困地区每个乡镇卫生院至少有1名全科医生', 'service', 'area', '每个乡镇卫生院至少1名全科医生。', { unit: '名' }),
  m('HEALTH_DISEASE_CONTROL', A5, '二(五)', '地方病和重大传染病综合防治', '开展地方病和重大传染病预防、筛查、治疗、康复、管理等综合防治', 'service', 'area', '加强慢性病、常见病防治。'),
  m('HEALTH_SCREENING', A5, '二(五)', '“两癌筛查”和新生儿疾病筛查', '全面落实农村妇女“两癌筛查”项目和“新生儿遗传代谢疾病筛查”项目', 'service', 'person', '农村妇女和新生儿筛查项目。'),
  m('HEALTH_FAMILY_DOCTOR', A5, '二(五)', '家庭医生签约服务', '实现贫困人口家庭医生签约服务全覆盖', 'service', 'person', '优先为妇幼、老人、残疾人等重点人群开展健康服务。'),
  m('HEALTH_CHRONIC_MANAGEMENT', A5, '二(五)', '慢性病规范管理', '做好高血压、糖尿病、结核病、严重精神障碍等慢性病规范管理', 'service', 'person', '慢性病综合防控和规范管理。'),
  m('HEALTH_PROMOTION', A5, '二(五)', '健康促进三年行动', '实施贫困地区健康促进三年行动计划', 'service', 'area', '贫困地区健康促进。'),

  // 二(六) 社会保障性兜底扶贫行动
  m('SOCIAL_SECURITY_SYSTEM', A6, '二(六)', '综合保障体系', '建立以社会保险、社会救助、社会福利制度为主体,以社会帮扶、社工助力为辅助的综合保障体系', 'governance', 'area',
    '为完全丧失劳动能力和部分丧失劳动能力且无法依靠产业就业帮扶脱贫的贫困人口提供兜底保障。'),
  m('PENSION_CONTRIBUTION_BY_GOVT', A6, '二(六)', '城乡居民养老保险政府代缴', '由政府代缴全部最低档次个人缴费', 'in_kind', 'person',
    '对符合参保条件的建档立卡未标注脱贫的贫困人口、一二类低保对象、一二类残疾人、计划生育“两证户”等特困人口代缴全部最低档次个人缴费。',
    { unit: '元/人·年', calculator: 'pensionContribution' }),
  m('RESIDENT_PENSION', A6, '二(六)', '城乡居民基本养老保险', '完善城乡居民基本养老保险制度', 'transfer', 'person', '达到领取年龄按月领取养老金，计入转移性收入（其中养老金）。', { incomeItem: 'pension' }),
  m('TEMPORARY_ASSISTANCE', A6, '二(六)', '临时救助', '加大临时救助力度,及时将符合条件的返贫人口纳入救助范围', 'transfer', 'household', '临时救助金计入转移性收入。', { incomeItem: 'otherTransfer' }),
  m('DIBAO', A6, '二(六)', '农村最低生活保障', '将完全丧失劳动能力和部分丧失劳动能力且无法依靠产业就业帮扶脱贫的贫困人口纳入低保范围', 'transfer', 'household',
    '最低生活保障应保尽保；低保金计入转移性收入（其中低保金）。', { incomeItem: 'dibao', unit: '元/户·年', calculator: 'dibaoCoverage' }),
  m('DIBAO_REGISTRY_INCLUSION', A6, '二(六)', '低保一、二类对象纳入建档立卡', '逐户排查“三保障”问题未解决的农村低保一、二类对象', 'governance', 'household',
    '摸清底数，分类建立台账，纳入建档立卡范围。', { calculator: 'dibaoCoverage' }),
  m('DIBAO_DATA_MATCHING', A6, '二(六)', '建档立卡与低保数据比对', '建立建档立卡数据和低保数据定期比对机制', 'governance', 'area', '逐年确定纳入建档立卡范围的兜底保障对象，及时更新台账。'),
  m('DIBAO_STANDARD_ADJUSTMENT', A6, '二(六)', '农村低保标准动态调整', '完善落实农村低保标准动态调整机制', 'governance', 'area', '确保兜底保障对象持续实现收入上的政策性保障。'),

  // 二(七) 贫困残疾人脱贫行动
  m('DISABLED_DIBAO_MEDICAL', A7, '二(七)', '贫困残疾人纳入低保和医疗救助', '将符合条件的建档立卡贫困残疾人纳入农村低保和城乡医疗救助范围', 'transfer', 'person', '低保金计入转移性收入（其中低保金）。', { incomeItem: 'dibao' }),
  m('DISABILITY_LIVING_SUBSIDY', A7, '二(七)', '困难残疾人生活补贴', '完善困难残疾人生活补贴和重度残疾人护理补贴制度', 'transfer', 'person', '补贴计入转移性收入。', { incomeItem: 'otherTransfer' }),
  m('DISABILITY_CARE_SUBSIDY', A7, '二(七)', '重度残疾人护理补贴', '完善困难残疾人生活补贴和重度残疾人护理补贴制度', 'transfer', 'person', '补贴计入转移性收入。', { incomeItem: 'otherTransfer' }),
  m('DISABILITY_REHABILITATION', A7, '二(七)', '残疾人精准康复和辅助器具适配', '深入实施“福康工程”等残疾人精准康复服务项目', 'service', 'person', '优先为贫困家庭有康复需求的残疾人提供基本康复服务和辅助器具适配服务。'),
  m('TEKUN_SUPPORT', A7, '二(七)', '特困人员救助供养', '符合特困人员救助供养条件的纳入特困人员救助供养', 'transfer', 'person',
    '16周岁以上有长期照料护理需求的贫困重度残疾人，符合条件的纳入特困供养；供养金计入转移性收入（其中特困供养金）。', { incomeItem: 'tekun' }),
  m('SEVERE_DISABILITY_CARE', A7, '二(七)', '贫困重度残疾人照护', '为贫困重度残疾人提供集中照料或日间照料、邻里照护服务', 'service', 'person', '政府补贴、购买服务、设立公益岗位、集中托养等方式。'),
  m('DISABILITY_ACCESSIBILITY', A7, '二(七)', '重度残疾人家庭无障碍改造', '逐步推进农村贫困重度残疾人家庭无障碍改造', 'infrastructure', 'household', '农村贫困重度残疾人家庭无障碍改造。'),
  m('SPECIAL_EDUCATION', A7, '二(七)', '特殊教育提升计划', '实施第二期特殊教育提升计划', 'service', 'person', '帮助贫困家庭残疾儿童多种形式接受义务教育。'),
  m('DISABILITY_ASSET_INCOME', A7, '二(七)', '资产收益扶贫优先残疾人家庭', '资产收益扶贫项目要优先安排贫困残疾人家庭', 'property', 'household', '资产收益计入财产性收入。', { incomeItem: 'dividend' }),

  // 二(八) 扶贫扶志行动
  m('SPIRIT_POVERTY', A8, '二(八)', '“精神扶贫”工程', '组织实施以扶志扶智为主要内容的“精神扶贫”工程', 'service', 'area', '学习室、“兰州人·百姓讲堂”、“农民夜校”、“讲习所”等。'),
  m('WORK_RELIEF', A8, '二(八)', '以工代赈', '加大以工代赈实施力度', 'wage', 'person', '动员贫困群众投工投劳，劳务报酬计入工资性收入。'),
  m('PRODUCTION_AWARD', A8, '二(八)', '生产奖补、就业补助', '建立生产奖补、就业补助等帮扶机制', 'transfer', 'household', '奖补资金计入转移性收入。', { incomeItem: 'otherTransfer' }),
  m('LOVE_SUPERMARKET', A8, '二(八)', '“爱心公益超市”', '以表现换积分、以积分换物品', 'in_kind', 'household', '自助式帮扶，社会爱心捐赠与贫困群众需求精准对接。'),
  m('ROLE_MODELS', A8, '二(八)', '选树脱贫典型', '选树一批脱贫先进典型', 'governance', 'area', '宣传表彰自强不息、自力更生脱贫致富的先进典型，开展新乡贤选树宣传。'),
  m('CUSTOMS_REFORM', A8, '二(八)', '移风易俗', '大力开展移风易俗活动', 'governance', 'area', '推动治理高价彩礼。'),
  m('CIVILIZATION_DEMO', A8, '二(八)', '农村精神文明建设“八个一”工程', '农村精神文明建设“八个一”工程示范点建设', 'governance', 'village', '文明村镇、五星级文明户、村规民约、红白理事会等。'),
  m('CREDIT_DISCIPLINE', A8, '二(八)', '扶贫领域诚信和失信人员名单', '将不履行赡养义务、虚报冒领扶贫资金、严重违反公序良俗等行为人列入失信人员名单', 'governance', 'person', '把扶贫领域诚信纳入信用监管体系。'),
  m('CULTURE_POVERTY', A8, '二(八)', '文化扶贫', '深入推进文化扶贫', 'service', 'area', '提升贫困群众公共文化服务获得感。'),

  // 三(一)–(七) 七项工程
  m('ROAD_REPAIR', P1, '三(一)', '“畅返不畅”路段整治', '“畅返不畅”整治360公里', 'infrastructure', 'area', '2018年底前完成永登县、榆中县、皋兰县、七里河区整治。', { unit: '公里' }),
  m('RURAL_ROADS', P1, '三(一)', '“四好农村路”', '推进“四好农村路”建设', 'infrastructure', 'area',
    '到2020年75%的乡镇通二级公路，其余通三级公路，具备条件的自然村通硬化路、建制村通客车。'),
  m('ROAD_MAINTENANCE', P1, '三(一)', '农村公路养护', '加强建成公路的维修养护', 'infrastructure', 'area', '成品油税费改革转移支付用于贫困地区农村公路养护。'),
  m('DRINKING_WATER', P2, '三(二)', '农村饮水安全巩固提升', '基本完成全市贫困区县农村饮水安全巩固提升工程', 'infrastructure', 'household', '入户工程配套完善，老旧管网改造，提高供水保障程度。'),
  m('WATER_SUPPLY_POINTS', P2, '三(二)', '集中供水点', '在入户条件限制地区,推行建设集中供水点', 'infrastructure', 'village', '入户条件受限地区建设集中供水点。'),
  m('WATER_CELLAR_PURIFIER', P2, '三(二)', '集雨水窖和水质净化设备', '在饮用水窖水的区域推广安装水质净化设备', 'infrastructure', 'household', '水源受限地区加强运行调度、完善集雨水窖。'),
  m('DANGEROUS_HOUSE_RENOVATION', P3, '三(三)', '农村危房改造', '2018年完成省级农村危改任务2018户', 'infrastructure', 'household', '全面消除四类重点对象存量危房，同步完成其他农户危房改造。', { unit: '户' }),
  m('NEW_DANGEROUS_HOUSE', P3, '三(三)', '新出现危房动态改造', '对自然灾害等多种因素造成新出现的农村危房', 'infrastructure', 'household', '2019—2020年农房动态管理，整合资金改造，及时排除住房安全问题。'),
  m('RELOCATION', P3, '三(三)', '易地扶贫搬迁', '落实易地扶贫搬迁政策', 'infrastructure', 'household', '“十三五”5543户建档立卡贫困人口搬迁，2018年12月底前全部搬迁入住。', { unit: '户' }),
  m('BROADBAND', P4, '三(四)', '建制村宽带网络', '宽带接入能力达到12Mbps/秒以上', 'infrastructure', 'village', '2018年底建制村宽带通达，覆盖村委会、学校、卫生所、金融服务点、电商服务站。'),
  m('TELECOM_DISCOUNT', P4, '三(四)', '电信资费优惠', '鼓励基础电信企业针对贫困地区和贫困群众推出资费优惠举措', 'in_kind', 'household', '针对贫困群众的资费优惠。'),
  m('NETWORK_POVERTY', P4, '三(四)', '网络扶贫五大工程', '统筹推进网络覆盖、农村电商、网络扶智、信息服务、网络公益五大工程', 'infrastructure', 'area', '创新“互联网+”扶贫模式。'),
  m('VILLAGE_COLLECTIVE_ECONOMY', P5, '三(五)', '村级集体经济培育壮大', '实现全市256个建档立卡贫困村村级集体收入稳定达到5万元以上', 'organisation', 'village',
    '2018年256个贫困村集体收入5万元以上；2019年支持474个非贫困村；2020年底730个行政村均达到5万元以上。', { unit: '元/村·年', calculator: 'collectiveIncome' }),
  m('COLLECTIVE_ASSET_MANAGEMENT', P5, '三(五)', '农村集体资产财务管理', '加强农村集体资产财务管理', 'governance', 'village', '集体资产登记、保管、使用、处置制度，合理分配村集体收益。'),
  m('SANITATION_RENOVATION', P6, '三(六)', '改厕、改炕、改厨', '重点推进贫困乡村改厕、改炕、改厨', 'infrastructure', 'household', '“三改、三理和三化”工程，农村卫生改厕三年行动。'),
  m('VILLAGE_CLEANING', P6, '三(六)', '村庄保洁', '普遍建立村庄保洁制度', 'service', 'village', '垃圾日产日清，全域无垃圾专项治理。'),
  m('SEWAGE_TREATMENT', P6, '三(六)', '生活污水治理', '有条件的地方逐步开展生活污水治理', 'infrastructure', 'village', '有条件的地方开展。'),
  m('LANE_HARDENING', P6, '三(六)', '自然村巷道硬化', '居住人口相对集中达到20户以上的自然村巷道硬化', 'infrastructure', 'village', '解决村内道路泥泞、出行不便。'),
  m('REVITALIZATION_DEMO_VILLAGE', P6, '三(六)', '乡村振兴战略示范村', '每年建成乡村振兴战略示范村50个左右', 'infrastructure', 'village', '2019年起每年50个左右。', { unit: '个' }),
  m('DYNAMIC_MANAGEMENT', P7, '三(七)', '贫困人口动态管理', '每季度开展一次贫困人口动态管理', 'governance', 'household', '剔除不符合条件的人口，纳入遗漏和返贫人口，应纳即纳、应退即退。'),
  m('DATA_SHARING', P7, '三(七)', '行业部门数据共享比对', '完善省市县三级行业部门与扶贫部门之间数据共享比对机制', 'governance', 'area', '户籍、教育、健康、就业、社保、住房、银行、低保、残疾人信息与建档立卡对接。'),
  m('FOLLOW_UP_CHECK', P7, '三(七)', '“回头看”核查', '定期开展“回头看”核查', 'governance', 'household', '对摘帽县、退出村和脱贫人口跟踪和动态监测，完善贫困人口统计监测体系。'),
  m('FOLLOW_UP_HELP', P7, '三(七)', '“回头帮”', '存在潜在返贫风险的,制定“回头帮”措施', 'service', 'household', '建立风险防控机制，确保持续稳定脱贫。'),

  // 四(二) 金融扶贫 (household-level measures)
  m('POVERTY_MICRO_LOAN', F2, '四(二)', '精准扶贫专项贷款（扶贫小额信贷）', '规范精准扶贫专项贷款', 'finance', 'household',
    '落实精准扶贫贷款政策，分类实施收回和续贷；防范还贷风险、纠正户贷企用（五(五)）。'),
  m('MICRO_LOAN_GUARANTEE_INSURANCE', F2, '四(二)', '扶贫小额贷款保证保险', '积极开展扶贫小额贷款保证保险等业务', 'finance', 'household', '探索价格保险、产值保险、“保险+期货”等新型险种。'),
  m('AGRI_INSURANCE', F2, '四(二)', '特色农业保险', '实现农业保险对建档立卡贫困户所有种养产业全覆盖', 'finance', 'household', '围绕牛、羊、果、菜、薯、药开发特色险种，扩大规模、提高保额、降低保费。'),
  m('INSURANCE_3_PLUS_1', F2, '四(二)', '“3+1”保险保障体系', '建立保险保本垫底、入股分红保底、公益岗位托底和低保兜底“3+1”保险保障体系', 'finance', 'household', '保险、分红、公益岗位和低保四重托底。'),
];

const BY_CODE = new Map(CATALOG.map((x) => [x.code, x]));

/** The measure with this code, or undefined. */
export function measure(code: string): Measure | undefined {
  return BY_CODE.get(code);
}

/** The measures of one action or project (by ACTIONS title). */
export function measuresOf(action: string): Measure[] {
  return CATALOG.filter((x) => x.action === action);
}

/** The income line (and "of which" item) a benefit received under this measure feeds, if any. */
export function incomeLineOf(code: string): { line: IncomeLine; item?: Measure['incomeItem'] } | null {
  const x = BY_CODE.get(code);
  if (!x) return null;
  const line = BENEFIT_TYPES[x.benefitType].incomeLine;
  if (line === null) return null;
  return x.incomeItem === undefined ? { line } : { line, item: x.incomeItem };
}

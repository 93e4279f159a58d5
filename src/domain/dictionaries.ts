/**
 * Code tables (字典) of the registry as versioned dictionaries. The registry stores the canonical
 * label (code === label); aliases are the other spellings found in files people send in.
 * Every table names its version, the date it applies from and its source, so that a change of
 * the national indicator set is a new version rather than an edit scattered through the code.
 */
import { foldForMatch } from './text.js';

export interface DictEntry {
  code: string;
  label: string;
  aliases?: string[];
}

export type DictName =
  | 'householdCategory'
  | 'identificationStandard'
  | 'povertyStatus'
  | 'povertyCause'
  | 'relation'
  | 'ethnicity'
  | 'education'
  | 'schoolStatus'
  | 'health'
  | 'disabilityGrade'
  | 'labourSkill'
  | 'workStatus'
  | 'yesNo'
  | 'monitoringCategory';

export interface Dictionary {
  name: DictName;
  title: string;
  version: string;
  effectiveFrom: string;
  source: string;
  entries: DictEntry[];
}

const REGISTRY_SOURCE = '扶贫开发建档立卡信息采集指标（DOMAIN.md「Household and member」）';
const REGISTRY_VERSION = '2018.1';
const REGISTRY_FROM = '2018-01-01';

/** Entry whose code is its label. */
function e(label: string, ...aliases: string[]): DictEntry {
  return aliases.length > 0 ? { code: label, label, aliases } : { code: label, label };
}

function dict(
  name: DictName,
  title: string,
  entries: DictEntry[],
  meta?: Partial<Pick<Dictionary, 'version' | 'effectiveFrom' | 'source'>>,
): Dictionary {
  return {
    name,
    title,
    version: meta?.version ?? REGISTRY_VERSION,
    effectiveFrom: meta?.effectiveFrom ?? REGISTRY_FROM,
    source: meta?.source ?? REGISTRY_SOURCE,
    entries,
  };
}

/** The 56 ethnic groups in the order and names of GB/T 3304 (codes 01–56). */
const ETHNIC_GROUPS = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
] as const;

/** Relations to the head of household. Alias: the word without 之, plus common synonyms. */
const RELATIONS: DictEntry[] = [
  e('户主', '本人'),
  e('配偶', '妻子', '丈夫', '妻', '夫', '之妻', '之夫'),
  e('之子', '子', '儿子', '长子', '次子', '三子'),
  e('之女', '女', '女儿', '长女', '次女', '三女'),
  e('之儿媳', '儿媳', '儿媳妇'),
  e('之女婿', '女婿'),
  e('之孙子', '孙子'),
  e('之孙女', '孙女'),
  e('之外孙子', '外孙子', '外孙'),
  e('之外孙女', '外孙女'),
  e('之父', '父亲', '父'),
  e('之母', '母亲', '母'),
  e('之岳父', '岳父'),
  e('之岳母', '岳母'),
  e('之公公', '公公'),
  e('之婆婆', '婆婆'),
  e('之祖父', '祖父', '爷爷'),
  e('之祖母', '祖母', '奶奶'),
  e('之外祖父', '外祖父', '外公'),
  e('之外祖母', '外祖母', '外婆'),
  e('其他', '其它'),
];

/** 一年级…三年级 of a school stage, with the Arabic-numeral spelling and any short forms. */
function grades(prefix: string, shortForms: readonly string[] = []): DictEntry[] {
  return ['一', '二', '三'].map((n, i) => {
    const extra = shortForms[i];
    const aliases = [`${prefix}${i + 1}年级`];
    if (extra !== undefined) aliases.push(extra);
    return e(`${prefix}${n}年级`, ...aliases);
  });
}

const SCHOOL_STATUS: DictEntry[] = [
  e('非在校生', '非在校', '不在校'),
  e('学前教育', '学前', '幼儿园'),
  e('小学', '小学在读'),
  e('七年级', '初一', '初中一年级', '7年级'),
  e('八年级', '初二', '初中二年级', '8年级'),
  e('九年级', '初三', '初中三年级', '9年级'),
  ...grades('高中', ['高一', '高二', '高三']),
  ...grades('中职'),
  ...grades('高职'),
  e('大专及以上', '大专', '本科', '大学', '研究生'),
];

const WORK_STATUS: DictEntry[] = [
  e('乡（镇）内务工', '乡(镇)内务工', '乡镇内务工'),
  e('乡（镇）外县内务工', '乡(镇)外县内务工', '乡镇外县内务工'),
  e('县外省内务工', '县外省内'),
  e('省外务工', '省外'),
  e('其他', '其它'),
];

export const DICTIONARIES: Record<DictName, Dictionary> = {
  householdCategory: dict('householdCategory', '贫困户属性', [
    e('一般贫困户', '一般户'),
    e('低保贫困户', '低保户'),
    e('特困供养贫困户', '五保户', '五保贫困户', '特困供养户', '特困户'),
  ]),
  identificationStandard: dict('identificationStandard', '识别标准', [
    e('国家标准', '国标'),
    e('省定标准', '省标'),
    e('市定标准', '市标'),
  ]),
  povertyStatus: dict('povertyStatus', '脱贫属性', [
    e('未脱贫', '贫困'),
    e('已脱贫', '脱贫'),
    e('返贫'),
    e('已剔除', '剔除'),
  ]),
  povertyCause: dict('povertyCause', '致贫原因', [
    e('因病'),
    e('因残'),
    e('因学'),
    e('因灾'),
    e('缺土地', '缺地'),
    e('缺水'),
    e('缺技术'),
    e('缺劳动力', '缺劳力'),
    e('缺资金'),
    e('交通条件落后', '交通落后'),
    e('自身发展动力不足', '自身发展能力不足', '发展动力不足'),
    e('因婚'),
    e('因丧'),
    e('其他', '其它'),
  ]),
  relation: dict('relation', '与户主关系', RELATIONS),
  ethnicity: dict(
    'ethnicity',
    '民族',
    [...ETHNIC_GROUPS.map((label) => e(label, label.slice(0, -1))), e('其他', '其它', '其他民族')],
    { source: 'GB/T 3304《中国各民族名称的罗马字母拼写法和代码》（56个民族）；其他' },
  ),
  education: dict('education', '文化程度', [
    e('文盲或半文盲', '文盲', '半文盲'),
    e('小学'),
    e('初中'),
    e('高中', '中专', '高中（含中专）'),
    e('大专及以上', '大专', '本科', '本科及以上', '研究生'),
    e('学龄前儿童', '学龄前'),
  ]),
  schoolStatus: dict('schoolStatus', '在校生状况', SCHOOL_STATUS),
  health: dict('health', '健康状况', [
    e('健康'),
    e('长期慢性病', '慢性病'),
    e('患有大病', '大病'),
    e('残疾', '残疾人'),
  ]),
  disabilityGrade: dict(
    'disabilityGrade',
    '残疾等级',
    [
      e('一级', '1级', '1', '一'),
      e('二级', '2级', '2', '二'),
      e('三级', '3级', '3', '三'),
      e('四级', '4级', '4', '四'),
    ],
    { source: 'GB/T 26341-2010《残疾人残疾分类和分级》' },
  ),
  labourSkill: dict('labourSkill', '劳动技能', [
    e('普通劳动力', '普通劳力'),
    e('技能劳动力', '技能劳力'),
    e('弱劳动力或半劳动力', '弱劳动力', '半劳动力'),
    e('丧失劳动力'),
    e('无劳动力'),
  ]),
  workStatus: dict('workStatus', '务工情况', WORK_STATUS),
  yesNo: dict(
    'yesNo',
    '是否',
    [e('是', 'Y', 'YES', '1', 'TRUE', '√'), e('否', 'N', 'NO', '0', 'FALSE', '×')],
    { source: 'DOMAIN.md「Registry workbook」：是/否' },
  ),
  monitoringCategory: dict(
    'monitoringCategory',
    '监测对象类别',
    [
      e('脱贫不稳定户', '脱贫不稳定'),
      e('边缘易致贫户', '边缘易致贫'),
      e('突发严重困难户', '突发严重困难'),
    ],
    {
      version: '2020.1',
      effectiveFrom: '2020-01-01',
      source: '防止返贫动态监测和帮扶机制（DOMAIN.md 词汇表「监测对象」）',
    },
  ),
};

export const DICT_NAMES = Object.keys(DICTIONARIES) as DictName[];

const lookupCache = new Map<DictName, Map<string, string>>();

function lookup(name: DictName): Map<string, string> {
  let m = lookupCache.get(name);
  if (m) return m;
  m = new Map();
  const d = DICTIONARIES[name];
  if (!d) throw new RangeError(`unknown dictionary "${String(name)}"`);
  // Labels first so that a label always wins over another entry's alias.
  for (const entry of d.entries) {
    m.set(foldForMatch(entry.label), entry.label);
    m.set(foldForMatch(entry.code), entry.label);
  }
  for (const entry of d.entries) {
    for (const alias of entry.aliases ?? []) {
      const key = foldForMatch(alias);
      if (!m.has(key)) m.set(key, entry.label);
    }
  }
  lookupCache.set(name, m);
  return m;
}

const exactCache = new Map<DictName, Map<string, string>>();
function exactLabels(name: DictName): Map<string, string> {
  let m = exactCache.get(name);
  if (!m) {
    m = new Map(DICTIONARIES[name].entries.map((e) => [e.label, e.label]));
    exactCache.set(name, m);
  }
  return m;
}

/**
 * Resolve a value as typed (spaces, full-width characters, either kind of parentheses, letter
 * case do not matter) to the dictionary's canonical label, or null when it is not in the table.
 */
export function resolveDictValue(name: DictName, raw: string): string | null {
  if (typeof raw !== 'string') return null;
  // Fast path: the canonical label as written (the common case in a large import).
  const exact = exactLabels(name).get(raw);
  if (exact !== undefined) return exact;
  const key = foldForMatch(raw);
  if (key === '') return null;
  return lookup(name).get(key) ?? null;
}

/** The canonical labels of a dictionary, in its order. */
export function dictLabels(name: DictName): string[] {
  return DICTIONARIES[name].entries.map((x) => x.label);
}

/** "贫困户属性应为：一般贫困户、低保贫困户、特困供养贫困户" — for validation messages. */
export function dictExpectation(name: DictName): string {
  const d = DICTIONARIES[name];
  return `${d.title}应为：${dictLabels(name).join('、')}`;
}

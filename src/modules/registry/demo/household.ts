/**
 * One synthetic household at a time: family structure, members with valid and unique ID
 * numbers, dictionary values consistent with age, health and status, and a year's income.
 * Rows are keyed by the exact column names of the registry workbook.
 */
import { makeIdNumber } from '../../../domain/idnumber.js';
import { isLeapYear } from '../../../domain/text.js';
import {
  BANKS,
  CN_NUMERALS,
  FEMALE_GIVEN,
  HUI_SURNAMES,
  MALE_GIVEN,
  MOBILE_PREFIXES,
  SURNAMES,
} from './names.js';
import { deriveSeed, Rng, Weighted } from './random.js';
import type { DemoVillage } from './villages.js';

/** The year the demo incomes belong to; the registry is as of 1 January of the next year. */
export const DEMO_INCOME_YEAR = 2017;

export type DemoStatus = '未脱贫' | '返贫' | '已脱贫';

/** One household row (sheet 户信息) and its member rows (sheet 家庭成员). */
export interface DemoHousehold {
  household: Record<string, string>;
  members: Record<string, string>[];
}

const FIRST_YEAR = 1900;
/** Everyone in the demo registry is born by 31 December of the income year. */
const LAST_YEAR = DEMO_INCOME_YEAR;
const YEAR_START: number[] = [];
const DAY_YMD: string[] = [];
{
  let day = 0;
  for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
    YEAR_START.push(day);
    const monthDays = [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    monthDays.forEach((n, m) => {
      for (let d = 1; d <= n; d++) {
        DAY_YMD.push(`${y}${m < 9 ? '0' : ''}${m + 1}${d < 10 ? '0' : ''}${d}`);
        day++;
      }
    });
  }
  YEAR_START.push(day);
}
const NDAYS = DAY_YMD.length;

/** The four counties that hold demo villages, indexed for the ID sequence counters. */
export const COUNTY_CODES = ['620103', '620121', '620122', '620123'] as const;

/**
 * Hands out ID numbers that cannot repeat: for each county, birth date and sex the 3-digit
 * sequence counts up (001, 003, … for men; 002, 004, … for women). When a day's sequences are
 * used up the birth date moves one day earlier.
 */
class IdAllocator {
  private readonly counters = new Uint16Array(COUNTY_CODES.length * NDAYS * 2);

  allocate(countyIdx: number, birthYear: number, male: boolean, rng: Rng): string {
    const y = Math.min(LAST_YEAR, Math.max(FIRST_YEAR, birthYear)) - FIRST_YEAR;
    const start = YEAR_START[y] as number;
    const len = (YEAR_START[y + 1] as number) - start;
    let day = start + rng.int(len);
    const cap = male ? 500 : 499;
    for (;;) {
      const idx = ((countyIdx * NDAYS + day) << 1) | (male ? 0 : 1);
      const k = this.counters[idx] as number;
      if (k < cap) {
        this.counters[idx] = k + 1;
        return makeIdNumber(COUNTY_CODES[countyIdx] as string, DAY_YMD[day] as string, male ? 2 * k + 1 : 2 * k + 2);
      }
      day = day > 0 ? day - 1 : NDAYS - 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Households

const ETHNICITY = new Weighted<string>([
  ['汉族', 880], ['回族', 80], ['东乡族', 15], ['藏族', 10], ['土族', 5], ['满族', 5], ['蒙古族', 5],
]);
const SURNAME = new Weighted(SURNAMES);
const HUI_SURNAME = new Weighted(HUI_SURNAMES);
const BANK = new Weighted(BANKS);
const STANDARD = new Weighted<string>([['国家标准', 88], ['省定标准', 10], ['市定标准', 2]]);
const EXIT_YEAR = new Weighted<number>([[2014, 10], [2015, 25], [2016, 30], [2017, 35]]);
const POOR_ID_YEAR = new Weighted<number>([[2014, 60], [2015, 15], [2016, 15], [2017, 10]]);
const WORK_PLACE = new Weighted<string>([
  ['乡（镇）内务工', 25], ['乡（镇）外县内务工', 30], ['县外省内务工', 30], ['省外务工', 15],
]);
const DISABILITY = new Weighted<string>([['一级', 15], ['二级', 25], ['三级', 30], ['四级', 30]]);
const BACKGROUND_CAUSES: ReadonlyArray<readonly [string, number]> = [
  ['缺资金', 30], ['缺技术', 25], ['缺水', 8], ['缺土地', 6], ['交通条件落后', 6], ['自身发展动力不足', 8],
  ['因灾', 5], ['因婚', 1], ['因丧', 1], ['其他', 1],
];

const JUNIOR_GRADES = ['七年级', '八年级', '九年级'] as const;
const GRADE_NUMERALS = ['一', '二', '三'] as const;
/** Probability of [患有大病, 长期慢性病, 残疾] by age band (under 40, 40–64, 65 and over). */
const HEALTH_RATES_YOUNG = [0.01, 0.03, 0.02] as const;
const HEALTH_RATES_MIDDLE = [0.03, 0.12, 0.05] as const;
const HEALTH_RATES_OLD = [0.06, 0.32, 0.08] as const;

const MALE = 1;
const FEMALE = 0;
const MAX_MEMBERS = 8;

interface Person {
  relation: string;
  sex: number;
  age: number;
}

/** Per-household statistics gathered while members are made, for causes and income. */
interface HouseholdFacts {
  labourers: number;
  workers: number;
  elderly: number;
  ill: boolean;
  disabled: boolean;
  higherStudent: boolean;
}

export class DemoWriter {
  private readonly rng: Rng;
  private readonly ids = new IdAllocator();
  private readonly people: Person[] = Array.from({ length: MAX_MEMBERS }, () => ({ relation: '', sex: 0, age: 0 }));
  private count = 0;

  constructor(seed: number) {
    this.rng = new Rng(deriveSeed(seed, 3));
  }

  private add(relation: string, sex: number, age: number): void {
    const p = this.people[this.count++] as Person;
    p.relation = relation;
    p.sex = sex;
    p.age = Math.max(0, Math.min(100, age));
  }

  /** Family structure for a household of `size`: relations, sexes and ages (on 2018-01-01). */
  private compose(size: number): void {
    const r = this.rng;
    this.count = 0;
    if (size === 1) {
      this.add('户主', r.chance(0.6) ? MALE : FEMALE, r.between(48, 88));
      return;
    }
    if (size === 2) {
      if (r.chance(0.65)) {
        const head = r.between(45, 84);
        this.add('户主', MALE, head);
        this.add('配偶', FEMALE, head - r.between(-3, 6));
      } else {
        const headSex = r.chance(0.5) ? MALE : FEMALE;
        const head = r.between(42, 80);
        this.add('户主', headSex, head);
        const childSex = r.chance(0.5) ? MALE : FEMALE;
        this.add(childSex === MALE ? '之子' : '之女', childSex, head - r.between(20, 36));
      }
      return;
    }
    const threeGenerations = size >= 4 && r.chance(size >= 5 ? 0.45 : 0.3);
    const headSex = r.chance(0.9) ? MALE : FEMALE;
    if (!threeGenerations) {
      const head = r.between(28, 56);
      const spouse = head + (headSex === MALE ? -r.between(-3, 6) : r.between(-3, 6));
      this.add('户主', headSex, head);
      this.add('配偶', 1 - headSex, spouse);
      const youngestParent = Math.min(head, spouse);
      // Up to four children; a larger household, or one in five of size 4–6, keeps a grandparent.
      let kids = Math.min(size - 2, 4);
      if (size >= 4 && kids === size - 2 && r.chance(0.2)) kids--;
      for (let i = 0; i < kids; i++) {
        const sex = r.chance(0.52) ? MALE : FEMALE;
        this.add(sex === MALE ? '之子' : '之女', sex, childAge(r, youngestParent));
      }
      this.sortByAge(2, this.count);
      const grandparents = size - 2 - kids;
      if (grandparents >= 2) {
        const father = head + r.between(22, 32);
        this.add('之父', MALE, father);
        this.add('之母', FEMALE, father - r.between(-2, 5));
      } else if (grandparents === 1) {
        const male = r.chance(0.35);
        this.add(male ? '之父' : '之母', male ? MALE : FEMALE, head + r.between(21, 32));
      }
      return;
    }
    const head = r.between(52, 74);
    const spouse = head + (headSex === MALE ? -r.between(-3, 6) : r.between(-3, 6));
    this.add('户主', headSex, head);
    this.add('配偶', 1 - headSex, spouse);
    // The son is at least 18 years younger than both parents; his wife is an adult.
    const son = Math.max(22, Math.min(head, spouse) - r.between(20, 28));
    const daughterInLaw = Math.max(20, son - r.between(-2, 4));
    this.add('之子', MALE, son);
    this.add('之儿媳', FEMALE, daughterInLaw);
    const youngParent = Math.min(son, daughterInLaw);
    for (let i = 4; i < size; i++) {
      if (i < 7) {
        const sex = r.chance(0.52) ? MALE : FEMALE;
        this.add(sex === MALE ? '之孙子' : '之孙女', sex, childAge(r, youngParent));
      } else {
        this.add('之女', FEMALE, Math.min(head, spouse) - r.between(20, 26));
      }
    }
    this.sortByAge(4, Math.min(this.count, 7));
  }

  /** Order people[from..to) oldest first (insertion sort on at most four entries). */
  private sortByAge(from: number, to: number): void {
    for (let i = from + 1; i < to; i++) {
      const p = this.people[i] as Person;
      let j = i - 1;
      while (j >= from && (this.people[j] as Person).age < p.age) {
        this.people[j + 1] = this.people[j] as Person;
        j--;
      }
      this.people[j + 1] = p;
    }
  }

  /** One demo household with its members. `index` is the household's number within its village. */
  household(village: DemoVillage, countyIdx: number, index: number, status: DemoStatus, size: number): DemoHousehold {
    const r = this.rng;
    this.compose(size);
    const householdNumber = village.code + String(index + 1).padStart(4, '0');
    const poor = status !== '已脱贫';
    const headAge = (this.people[0] as Person).age;

    let category = '一般贫困户';
    if (size <= 2 && headAge >= 60 && r.chance(size === 1 ? 0.45 : 0.15)) category = '特困供养贫困户';
    else if (r.chance(poor ? 0.32 : 0.15)) category = '低保贫困户';

    const ethnicity = ETHNICITY.pick(r);
    const hui = ethnicity === '回族' || ethnicity === '东乡族';
    const surname = (hui ? HUI_SURNAME : SURNAME).pick(r);
    const headMale = (this.people[0] as Person).sex === MALE;
    const spouseSurname = this.otherSurname(surname, hui);
    // Children take the father's surname.
    const lineSurname = headMale || size === 1 ? surname : spouseSurname;

    const facts: HouseholdFacts = { labourers: 0, workers: 0, elderly: 0, ill: false, disabled: false, higherStudent: false };
    const dibao = category === '低保贫困户' ? '是' : '否';
    const members: Record<string, string>[] = [];
    for (let i = 0; i < this.count; i++) {
      const p = this.people[i] as Person;
      let s: string;
      switch (p.relation) {
        case '户主':
        case '之父':
          s = surname;
          break;
        case '配偶':
          s = spouseSurname;
          break;
        case '之子':
        case '之女':
        case '之孙子':
        case '之孙女':
          s = lineSurname;
          break;
        default:
          s = this.otherSurname(surname, hui);
      }
      members.push(this.member(householdNumber, p, s + this.givenName(p.sex), countyIdx, ethnicity, poor, dibao,
        category === '特困供养贫困户' && i === 0 ? '是' : '否', facts));
    }

    const [mainCause, otherCauses] = this.causes(facts);
    const income = this.income(status, size, category, facts);
    const exitYear = status === '已脱贫' ? EXIT_YEAR.pick(r) : 0;
    let identificationYear: number;
    if (status === '已脱贫') identificationYear = r.chance(0.8) ? 2014 : r.between(2014, exitYear);
    else if (status === '返贫') identificationYear = r.chance(0.7) ? 2014 : 2015;
    else identificationYear = POOR_ID_YEAR.pick(r);

    const household: Record<string, string> = {
      户编号: householdNumber,
      行政区划代码: village.code,
      自然村: `${r.pick(CN_NUMERALS)}社`,
      贫困户属性: category,
      识别标准: STANDARD.pick(r),
      识别年度: String(identificationYear),
      脱贫属性: status,
      脱贫年度: exitYear === 0 ? '' : String(exitYear),
      主要致贫原因: mainCause,
      其他致贫原因: otherCauses,
      是否危房户: poor && r.chance(0.18) ? '是' : '否',
      是否解决安全饮水: !poor || r.chance(0.88) ? '是' : '否',
      收入年度: String(DEMO_INCOME_YEAR),
      工资性收入: String(income.wage),
      生产经营性收入: String(income.business),
      财产性收入: String(income.property),
      转移性收入: String(income.transfer),
      生产经营性支出: String(income.businessCost),
      联系电话: r.chance(0.95) ? r.pick(MOBILE_PREFIXES) + r.digits(8) : '',
      开户银行: BANK.pick(r),
      银行账号: `62${r.digits(17)}`,
    };
    return { household, members };
  }

  private otherSurname(not: string, hui: boolean): string {
    for (let i = 0; i < 4; i++) {
      const s = (hui ? HUI_SURNAME : SURNAME).pick(this.rng);
      if (s !== not) return s;
    }
    return not === '李' ? '王' : '李';
  }

  private givenName(sex: number): string {
    const chars = sex === MALE ? MALE_GIVEN : FEMALE_GIVEN;
    const first = this.rng.pick(chars);
    return this.rng.chance(0.25) ? first : first + this.rng.pick(chars);
  }

  private member(
    householdNumber: string,
    p: Person,
    name: string,
    countyIdx: number,
    ethnicity: string,
    poor: boolean,
    dibao: string,
    tekun: string,
    facts: HouseholdFacts,
  ): Record<string, string> {
    const r = this.rng;
    const age = p.age;
    const id = this.ids.allocate(countyIdx, LAST_YEAR - age, p.sex === MALE, r);

    // School and education (文化程度 of a pupil is the stage being attended).
    let school = '非在校生';
    let education: string;
    if (age <= 2) {
      education = '学龄前儿童';
    } else if (age <= 5) {
      education = '学龄前儿童';
      if (r.chance(0.7)) school = '学前教育';
    } else if (age <= 14) {
      const dropout = poor && age >= 12 && r.chance(0.004);
      if (age <= 11) {
        education = '小学';
        school = '小学';
      } else {
        education = dropout ? '小学' : '初中';
        school = dropout ? '非在校生' : (JUNIOR_GRADES[age - 12] as string);
      }
    } else if (age <= 17) {
      const grade = GRADE_NUMERALS[age - 15] as string;
      const x = r.next();
      if (x < 0.55) {
        education = '高中';
        school = `高中${grade}年级`;
      } else if (x < 0.8) {
        education = '高中';
        school = `中职${grade}年级`;
      } else {
        education = '初中';
      }
    } else if (age <= 20) {
      const x = r.next();
      if (x < 0.12) {
        education = '大专及以上';
        school = `高职${GRADE_NUMERALS[age - 18] as string}年级`;
      } else if (x < 0.22) {
        education = '大专及以上';
        school = '大专及以上';
      } else {
        education = x < 0.6 ? '高中' : '初中';
      }
    } else {
      education = adultEducation(age, r.next());
    }
    const student = school !== '非在校生' && school !== '学前教育';
    if (school.startsWith('高中') || school.startsWith('中职') || school.startsWith('高职') || school === '大专及以上') {
      facts.higherStudent = true;
    }

    // Health.
    let health = '健康';
    let disability = '';
    const h = r.next();
    const [serious, chronic, disabled] = age < 40 ? HEALTH_RATES_YOUNG : age < 65 ? HEALTH_RATES_MIDDLE : HEALTH_RATES_OLD;
    if (h < serious) health = '患有大病';
    else if (h < serious + chronic) health = '长期慢性病';
    else if (h < serious + chronic + disabled) {
      health = '残疾';
      disability = DISABILITY.pick(r);
    }
    if (health === '患有大病' || health === '长期慢性病') facts.ill = true;
    if (health === '残疾') facts.disabled = true;
    if (age >= 60) facts.elderly++;

    // Labour capacity and migrant work.
    let labour: string;
    if (age < 16 || student || age >= 70) labour = '无劳动力';
    else if (health === '患有大病' || disability === '一级' || disability === '二级') labour = '丧失劳动力';
    else if (age >= 60 || health !== '健康') labour = '弱劳动力或半劳动力';
    else labour = r.chance(0.15) ? '技能劳动力' : '普通劳动力';

    let work = '';
    let months = '';
    if ((labour === '普通劳动力' || labour === '技能劳动力') && age >= 18) {
      facts.labourers++;
      if (r.chance(poor ? 0.45 : 0.7)) {
        work = WORK_PLACE.pick(r);
        months = String(r.between(3, 12));
        facts.workers++;
      }
    } else if (labour === '弱劳动力或半劳动力' && r.chance(0.12)) {
      work = '乡（镇）内务工';
      months = String(r.between(2, 6));
      facts.workers++;
    }

    const medical = r.chance(0.995) ? '是' : '否';
    const pension = age >= 16 && !student && r.chance(0.97) ? '是' : '否';

    return {
      户编号: householdNumber,
      姓名: name,
      证件号码: id,
      与户主关系: p.relation,
      民族: ethnicity,
      文化程度: education,
      在校生状况: school,
      健康状况: health,
      残疾等级: disability,
      劳动技能: labour,
      务工情况: work,
      '务工时间（月）': months,
      是否参加城乡居民基本医疗保险: medical,
      是否参加大病保险: medical,
      是否参加城乡居民基本养老保险: pension,
      是否享受低保: dibao,
      是否特困供养人员: tekun,
    };
  }

  /** Main cause and other causes (joined by 、), weighted by what the members' facts show. */
  private causes(facts: HouseholdFacts): [string, string] {
    const r = this.rng;
    const pairs: [string, number][] = [];
    if (facts.ill) pairs.push(['因病', 60]);
    if (facts.disabled) pairs.push(['因残', 50]);
    if (facts.higherStudent) pairs.push(['因学', 35]);
    if (facts.labourers === 0) pairs.push(['缺劳动力', 45]);
    for (const c of BACKGROUND_CAUSES) pairs.push([c[0], c[1]]);
    const main = pickAndRemove(pairs, r);
    const others: string[] = [];
    const extra = r.chance(0.45) ? (r.chance(0.4) ? 2 : 1) : 0;
    for (let i = 0; i < extra; i++) others.push(pickAndRemove(pairs, r));
    return [main, others.join('、')];
  }

  /**
   * Income of DEMO_INCOME_YEAR in whole yuan. Exited households land at 3,700–9,500 yuan net per
   * person, poor ones at 1,200–3,300, on either side of the line of about 3,500.
   */
  private income(status: DemoStatus, size: number, category: string, facts: HouseholdFacts) {
    const r = this.rng;
    const perCapita = status === '已脱贫' ? 3700 + 5800 * r.next() ** 1.6 : 1200 + 2100 * r.next();
    const net = Math.round(perCapita * size);
    let desiredTransfer = facts.elderly * 1236 + r.between(100, 500);
    if (category === '低保贫困户') desiredTransfer += size * r.between(1000, 2400);
    if (category === '特困供养贫困户') desiredTransfer += 4800;
    const transfer = Math.min(desiredTransfer, Math.floor(net * 0.85));
    const property = r.chance(0.3) ? Math.min(r.between(100, 800), net - transfer) : 0;
    const rest = net - transfer - property;
    let wage = 0;
    if (facts.workers > 0) wage = Math.round(rest * (0.6 + 0.35 * r.next()));
    else if (facts.labourers > 0) wage = Math.round(rest * 0.3 * r.next());
    const businessNet = rest - wage;
    const costRatio = 0.2 + 0.25 * r.next();
    const business = businessNet === 0 ? 0 : Math.round(businessNet / (1 - costRatio));
    return { wage, business, property, transfer, businessCost: business - businessNet };
  }
}

/** Age of a child whose younger parent is `parentAge`: born when that parent was 20–40. */
function childAge(r: Rng, parentAge: number): number {
  return r.between(Math.max(0, parentAge - 40), Math.max(0, parentAge - 20));
}

function adultEducation(age: number, x: number): string {
  if (age >= 65) return x < 0.5 ? '文盲或半文盲' : x < 0.9 ? '小学' : '初中';
  if (age >= 45) return x < 0.2 ? '文盲或半文盲' : x < 0.65 ? '小学' : x < 0.95 ? '初中' : '高中';
  if (age >= 25) return x < 0.03 ? '文盲或半文盲' : x < 0.23 ? '小学' : x < 0.78 ? '初中' : x < 0.95 ? '高中' : '大专及以上';
  return x < 0.55 ? '初中' : x < 0.85 ? '高中' : '大专及以上';
}

function pickAndRemove(pairs: [string, number][], r: Rng): string {
  let total = 0;
  for (const p of pairs) total += p[1];
  let x = r.next() * total;
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as [string, number];
    if (x < p[1] || i === pairs.length - 1) {
      pairs.splice(i, 1);
      return p[0];
    }
    x -= p[1];
  }
  throw new Error('pickAndRemove: empty list');
}

import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../idnumber.js';
import { measure } from './catalog.js';
import { assessLianbuchou, exitBlockers, type LianbuchouFacts, type LianbuchouMember } from './lianbuchou.js';
import { DEFAULT_RULES, ruleFor } from './rules.js';

const ON = '2019-09-01';
const rule = ruleFor(DEFAULT_RULES.lianbuchou, ON);
const targets = ruleFor(DEFAULT_RULES.healthTargets, ON);

const adult: LianbuchouMember = { name: '张三', age: 40, schoolStatus: '非在校生', health: '健康', medicalInsured: true };
const pupil: LianbuchouMember = { name: '张小明', age: 10, schoolStatus: '小学', health: '健康', medicalInsured: true };

const secure: LianbuchouFacts = {
  asOf: ON,
  registeredPoor: true,
  members: [adult, pupil],
  food: { secure: true },
  clothing: { secure: true },
  house: { grade: 'A', dangerous: false },
  water: { safe: true },
  income: { wage: 12000, business: 3000, property: 0, transfer: 1200, businessCost: 500 },
};

function dim(a: ReturnType<typeof assessLianbuchou>, d: string) {
  const x = a.dimensions.find((y) => y.dimension === d);
  if (!x) throw new Error(d);
  return x;
}

describe('assessLianbuchou', () => {
  it('finds a household secure on all six dimensions, with evidence and the date checked', () => {
    const a = assessLianbuchou(rule, secure, targets);
    expect(a.secure).toBe(true);
    expect(a.asOf).toBe(ON);
    expect(a.rule.id).toBe('lianbuchou-2018');
    expect(a.dimensions.map((d) => [d.dimension, d.status])).toEqual([
      ['food', 'secure'],
      ['clothing', 'secure'],
      ['education', 'secure'],
      ['medical', 'secure'],
      ['housing', 'secure'],
      ['water', 'secure'],
    ]);
    expect(dim(a, 'education').evidence).toContain('张小明（10周岁，义务教育适龄）在校：小学');
    expect(a.proposedMeasures).toEqual([]);
    for (const d of a.dimensions) expect(d.evidence.length, d.dimension).toBeGreaterThan(0);
  });

  it('never assumes a missing fact is secure', () => {
    const a = assessLianbuchou(rule, { asOf: ON, members: [{ name: '李四' }] });
    expect(a.secure).toBe(false);
    expect(a.gapDimensions).toEqual([]);
    expect(a.unknownDimensions).toEqual(['food', 'clothing', 'education', 'medical', 'housing', 'water']);
    expect(dim(a, 'education').evidence).toContain('李四年龄未知，无法判断是否义务教育适龄');
  });

  it('proposes catalog measures for a compulsory-age dropout', () => {
    const a = assessLianbuchou(rule, { ...secure, members: [adult, { ...pupil, age: 13, schoolStatus: '非在校生' }] });
    const e = dim(a, 'education');
    expect(e.status).toBe('gap');
    expect(e.gaps).toEqual(['DROPOUT']);
    expect(e.evidence[0]).toContain('失学辍学');
    expect(e.proposedMeasures).toContain('EDU_DROPOUT_PREVENTION');
    for (const c of a.proposedMeasures) expect(measure(c)).toBeDefined();
    expect(a.gapDimensions).toEqual(['education']);
  });

  it('reads the education department status and the compulsory age range', () => {
    const run = (m: LianbuchouMember) => dim(assessLianbuchou(rule, { ...secure, members: [m] }), 'education');
    expect(run({ age: 12, schoolStatus: '七年级', enrolment: '辍学' }).gaps).toEqual(['DROPOUT']);
    expect(run({ age: 12, schoolStatus: '七年级', enrolment: '休学' }).status).toBe('unknown');
    expect(run({ age: 5, schoolStatus: '非在校生' }).evidence).toEqual(['家中无义务教育适龄人口']);
    expect(run({ age: 16, schoolStatus: '非在校生' }).status).toBe('secure');
    expect(run({ age: 15, schoolStatus: '非在校生', completedCompulsory: true }).status).toBe('secure');
    expect(run({ age: 15, schoolStatus: '高一' }).status).toBe('secure');
    expect(run({ age: 6, schoolStatus: '学前教育' }).status).toBe('secure');
    expect(run({ age: 8, schoolStatus: '学前教育' }).gaps).toEqual(['NOT_ENROLLED']);
    expect(run({ age: 6, schoolStatus: '非在校生' }).status).toBe('unknown');
    expect(run({ age: 9, schoolStatus: '非在校生', health: '残疾', disabilityGrade: '一级' }).gaps).toEqual(['DISABLED_CHILD_OUT_OF_SCHOOL']);
    expect(run({ age: 9, schoolStatus: '非在校生', health: '残疾', sendTeachingHome: true }).status).toBe('secure');
    expect(run({ age: 9, schoolStatus: '非在校生', deferredOrExempted: true }).status).toBe('secure');
    expect(run({ age: 9 }).status).toBe('unknown');
  });

  it('takes the age from the birth date or the ID number on the date checked', () => {
    const id = makeIdNumber('620121', '20060901', 12); // 13 on 2019-09-01
    const byId = dim(assessLianbuchou(rule, { ...secure, members: [{ idNumber: id, schoolStatus: '非在校生' }] }), 'education');
    expect(byId.evidence[0]).toContain('13周岁');
    expect(byId.status).toBe('gap');
    const byBirth = dim(assessLianbuchou(rule, { ...secure, members: [{ birthDate: '2003-09-02', schoolStatus: '非在校生' }] }), 'education');
    expect(byBirth.evidence[0]).toContain('15周岁');
    const turned16 = dim(assessLianbuchou(rule, { ...secure, members: [{ birthDate: '2003-09-01', schoolStatus: '非在校生' }] }), 'education');
    expect(turned16.status).toBe('secure');
  });

  it('finds medical gaps: uninsured, untreated serious illness, out-of-pocket over 3000', () => {
    const a = assessLianbuchou(
      rule,
      {
        ...secure,
        members: [
          { ...adult, medicalInsured: false },
          { name: '王五', age: 60, health: '患有大病', seriousIllnessTreated: false, medicalInsured: true, compliantOutOfPocket: 3001 },
        ],
      },
      targets,
    );
    const m = dim(a, 'medical');
    expect(m.status).toBe('gap');
    expect(m.gaps).toEqual(['UNINSURED', 'UNTREATED_SERIOUS_ILLNESS', 'MEDICAL_BURDEN']);
    expect(m.evidence.join('\n')).toContain('王五个人自负合规医疗费用3001元，超过3000元（二(五)，规则health-targets-2018）');
    expect(m.proposedMeasures).toEqual(expect.arrayContaining(['HEALTH_INSURANCE_SUBSIDY', 'HEALTH_REIMBURSEMENT_GUARANTEE', 'HEALTH_THREE_BATCHES']));
    const at3000 = assessLianbuchou(rule, { ...secure, members: [{ ...adult, compliantOutOfPocket: 3000 }] }, targets);
    expect(dim(at3000, 'medical').status).toBe('secure');
    const noTargets = assessLianbuchou(rule, { ...secure, members: [{ ...adult, compliantOutOfPocket: 9000 }] });
    expect(dim(noTargets, 'medical').status).toBe('secure');
  });

  it('checks chronic illness management and family doctor signing when known', () => {
    const m = dim(
      assessLianbuchou(rule, { ...secure, members: [{ ...adult, health: '慢性病', chronicManaged: false, familyDoctorSigned: false }] }),
      'medical',
    );
    expect(m.gaps).toEqual(['CHRONIC_UNMANAGED', 'NO_FAMILY_DOCTOR']);
    expect(dim(assessLianbuchou(rule, { ...secure, members: [{ ...adult, health: '大病' }] }), 'medical').status).toBe('unknown');
  });

  it('judges housing by grade, 危房户 flag and relocation', () => {
    const run = (house: LianbuchouFacts['house']) => dim(assessLianbuchou(rule, { ...secure, house }), 'housing');
    expect(run({ grade: 'B' }).status).toBe('secure');
    const c = run({ grade: 'C级' });
    expect(c).toMatchObject({ status: 'gap', gaps: ['DANGEROUS_HOUSE'] });
    expect(c.evidence).toEqual(['住房鉴定为C级危房']);
    expect(c.proposedMeasures).toContain('DANGEROUS_HOUSE_RENOVATION');
    expect(run({ grade: 'D' }).status).toBe('gap');
    expect(run({ grade: 'A', dangerous: true }).evidence[0]).toContain('不一致');
    expect(run({ dangerous: false }).status).toBe('secure');
    expect(run({ grade: 'D', relocation: { movedIn: true } }).status).toBe('secure');
    expect(run({ relocation: { movedIn: false } }).gaps).toEqual(['RELOCATION_NOT_MOVED_IN']);
    expect(run({ hasHouse: false }).gaps).toEqual(['NO_HOUSE']);
    expect(run({ grade: 'E' }).status).toBe('unknown');
    expect(run({}).status).toBe('unknown');
  });

  it('judges water by its four indicators', () => {
    const run = (water: LianbuchouFacts['water']) => dim(assessLianbuchou(rule, { ...secure, water }), 'water');
    expect(run({ quantity: true, quality: true, convenience: true, reliability: true }).status).toBe('secure');
    const q = run({ safe: true, quality: false });
    expect(q.gaps).toEqual(['WATER_QUALITY']);
    expect(q.proposedMeasures).toContain('WATER_CELLAR_PURIFIER');
    expect(run({ safe: false }).gaps).toEqual(['UNSAFE_WATER']);
    expect(run({ quantity: true }).status).toBe('unknown');
  });

  it('proposes relief for food and clothing gaps', () => {
    const a = assessLianbuchou(rule, { ...secure, food: { secure: false, note: '口粮不足' }, clothing: { secure: false } });
    expect(dim(a, 'food').evidence).toEqual(['未做到不愁吃：口粮不足']);
    expect(dim(a, 'food').proposedMeasures).toEqual(['TEMPORARY_ASSISTANCE', 'DIBAO']);
    expect(dim(a, 'clothing').proposedMeasures).toContain('LOVE_SUPERMARKET');
    expect(a.proposedMeasures).toEqual(['TEMPORARY_ASSISTANCE', 'DIBAO', 'LOVE_SUPERMARKET']);
  });

  it('rejects an invalid date', () => {
    expect(() => assessLianbuchou(rule, { ...secure, asOf: '2019-02-30' })).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });
});

describe('exitBlockers', () => {
  it('passes a secure household', () => {
    const r = exitBlockers(secure);
    expect(r).toMatchObject({ blocked: false, blockers: [], unknown: [] });
    expect(r.rule.id).toBe('exit-blockers-gansu');
    expect(r.reasons).toContain('无退出否决情形');
  });

  it('blocks on a C/D-grade house, a dropout, an untreated serious illness and transfers-only income', () => {
    const r = exitBlockers({
      ...secure,
      house: { grade: 'D' },
      members: [
        { name: '赵大', age: 70, health: '患有大病', seriousIllnessTreated: false },
        { name: '赵小', age: 12, schoolStatus: '非在校生' },
      ],
      income: { wage: 0, business: 0, property: 0, transfer: 8000, businessCost: 0 },
    });
    expect(r.blocked).toBe(true);
    expect(r.blockers.map((b) => b.code)).toEqual(['DANGEROUS_HOUSE', 'DROPOUT', 'UNTREATED_SERIOUS_ILLNESS', 'TRANSFER_ONLY_INCOME']);
    expect(r.blockers[0]?.reason).toBe('住房为D级危房');
    expect(r.blockers[3]?.reason).toContain('全部为转移性收入（8000元）');
    expect(r.reasons.filter((x) => x.startsWith('否决：'))).toHaveLength(4);
    expect(exitBlockers({ ...secure, house: { dangerous: true } }).blockers).toEqual([{ code: 'DANGEROUS_HOUSE', reason: '登记为危房户' }]);
  });

  it('does not block on a B-grade house, a relocated household or mixed income', () => {
    expect(exitBlockers({ ...secure, house: { grade: 'B' } }).blocked).toBe(false);
    expect(exitBlockers({ ...secure, house: { grade: 'C', relocation: { movedIn: true } } }).blocked).toBe(false);
    expect(exitBlockers({ ...secure, income: { wage: 100, business: 0, property: 0, transfer: 8000, businessCost: 0 } }).blocked).toBe(false);
  });

  it('lists what is unknown instead of passing silently', () => {
    const { income: _i, ...noIncome } = secure;
    const r = exitBlockers({ ...noIncome, house: undefined, members: [{ name: '钱七', age: 9 }, { name: '钱八', health: '大病' }] });
    expect(r.blocked).toBe(false);
    expect(r.unknown).toEqual(['住房鉴定等级未知', '钱七（9周岁，义务教育适龄）在校情况未知', '钱八年龄未知，无法判断是否义务教育适龄', '钱八患有大病，救治情况未知', '未提供家庭收入']);
    expect(r.reasons[1]).toContain('未发现否决情形，但以下事实未知');
  });

  it('uses the rule it is given', () => {
    const lenient = { ...ruleFor(DEFAULT_RULES.exitBlockers, ON), id: 'test', params: { houseGrades: ['D'], dropout: false, untreatedSeriousIllness: true, transferOnlyIncome: false } };
    const r = exitBlockers({ ...secure, house: { grade: 'C' }, members: [{ age: 12, schoolStatus: '非在校生' }] }, { exitBlockers: lenient });
    expect(r.blocked).toBe(false);
  });
});

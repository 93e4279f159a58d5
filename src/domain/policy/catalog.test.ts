import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CALCULATORS } from './calculators.js';
import { ACTIONS, BENEFIT_TYPES, CATALOG, incomeLineOf, measure, measuresOf } from './catalog.js';
import { clauseText, parseClause } from './clauses.js';
import { DEFAULT_RULES } from './defaults.js';

const SEED = readFileSync(new URL('../../../../shared/seed/000_0aa6a34f32829986.txt', import.meta.url), 'utf8');

describe('actions', () => {
  it('are the eight actions and the seven projects of the seed, in order', () => {
    expect(ACTIONS.filter((a) => a.group === '八大行动')).toHaveLength(8);
    expect(ACTIONS.filter((a) => a.group === '七项工程')).toHaveLength(7);
    for (const a of ACTIONS) {
      const text = clauseText(SEED, a.clause);
      expect(text, a.clause).not.toBeNull();
      expect(text?.split('\n')[0], a.clause).toContain(a.title);
    }
  });
  it('each have measures', () => {
    for (const a of ACTIONS) expect(measuresOf(a.title).length, a.title).toBeGreaterThan(0);
  });
});

describe('catalog', () => {
  it('has unique upper-snake codes', () => {
    const codes = CATALOG.map((m) => m.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('quotes each measure from the clause it cites', () => {
    for (const m of CATALOG) {
      expect(m.clause.trim(), m.code).not.toBe('');
      const text = clauseText(SEED, m.clause);
      expect(text, `${m.code}: clause ${m.clause}`).not.toBeNull();
      expect(text, `${m.code}: quote「${m.quote}」`).toContain(m.quote);
      expect(SEED).toContain(m.quote);
    }
  });

  it('files each measure under the action whose clause contains it', () => {
    for (const m of CATALOG) {
      const action = ACTIONS.find((a) => a.title === m.action);
      expect(action, m.code).toBeDefined();
      const ref = parseClause(m.clause);
      const actionRef = parseClause(action?.clause ?? '');
      expect(ref?.part, m.code).toBe(actionRef?.part);
      expect(ref?.section, m.code).toBe(actionRef?.section);
    }
  });

  it('has a Chinese title, a description and a known benefit type', () => {
    for (const m of CATALOG) {
      expect(m.title, m.code).toMatch(/\p{Script=Han}/u);
      expect(m.description.length, m.code).toBeGreaterThan(0);
      expect(BENEFIT_TYPES[m.benefitType], m.code).toBeDefined();
    }
  });

  it('links calculators that exist, with the calculator clause', () => {
    const ids = new Set(CALCULATORS.map((c) => c.id));
    const linked = new Set<string>();
    for (const m of CATALOG) {
      if (m.calculator === undefined) continue;
      expect(ids.has(m.calculator), m.code).toBe(true);
      linked.add(m.calculator);
      const calc = CALCULATORS.find((c) => c.id === m.calculator);
      expect(m.clause.startsWith(calc?.clause ?? '?'), m.code).toBe(true);
    }
    expect([...linked].sort()).toEqual([...ids].sort());
  });

  it('gives an "of which" item only on the income line it belongs to', () => {
    const itemLine: Record<string, string> = {
      publicWelfareWage: 'wage',
      dividend: 'property',
      dibao: 'transfer',
      tekun: 'transfer',
      pension: 'transfer',
      ecoComp: 'transfer',
      otherTransfer: 'transfer',
    };
    for (const m of CATALOG) {
      if (m.incomeItem === undefined) continue;
      expect(BENEFIT_TYPES[m.benefitType].incomeLine, m.code).toBe(itemLine[m.incomeItem]);
    }
    expect(incomeLineOf('PUBLIC_WELFARE_POST')).toEqual({ line: 'wage', item: 'publicWelfareWage' });
    expect(incomeLineOf('DIBAO')).toEqual({ line: 'transfer', item: 'dibao' });
    expect(incomeLineOf('RURAL_TOURISM_FARMSTAY')).toEqual({ line: 'business' });
    expect(incomeLineOf('HEALTH_FAMILY_DOCTOR')).toBeNull();
    expect(incomeLineOf('NOPE')).toBeNull();
  });

  it('contains every measure issue 4 lists', () => {
    const required = [
      'INDUSTRY_HOUSEHOLD_SUPPORT', 'INDUSTRY_FUND_SHARES', 'BENEFIT_LINKAGE', 'RURAL_TOURISM_FARMSTAY', 'PV_POVERTY',
      'ECOMMERCE', 'LABOUR_TRAINING', 'TRANSFER_EMPLOYMENT', 'WORKSHOP_JOBS', 'PUBLIC_WELFARE_POST', 'ECO_RANGER',
      'GRAIN_FOR_GREEN', 'EDU_TWO_EXEMPTIONS', 'EDU_BOARDING_SUBSIDY', 'EDU_NUTRITION', 'EDU_STUDENT_AID',
      'HEALTH_INSURANCE_SUBSIDY', 'HEALTH_ONE_STOP_SETTLEMENT', 'HEALTH_FAMILY_DOCTOR', 'DIBAO', 'TEKUN_SUPPORT',
      'TEMPORARY_ASSISTANCE', 'PENSION_CONTRIBUTION_BY_GOVT', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY',
      'DISABILITY_REHABILITATION', 'DANGEROUS_HOUSE_RENOVATION', 'RELOCATION', 'DRINKING_WATER', 'POVERTY_MICRO_LOAN',
      'AGRI_INSURANCE',
    ];
    for (const code of required) expect(measure(code), code).toBeDefined();
    expect(measure('INDUSTRY_FUND_SHARES')?.clause).toBe('二(一)1');
    expect(measure('BENEFIT_LINKAGE')?.clause).toBe('二(一)2');
  });

  it('is what the 两不愁三保障 proposals point to', () => {
    for (const r of DEFAULT_RULES.lianbuchou) {
      for (const [gap, codes] of Object.entries(r.params.proposals)) {
        expect(codes.length, gap).toBeGreaterThan(0);
        for (const c of codes) expect(measure(c), `${gap} → ${c}`).toBeDefined();
      }
    }
  });
});

describe('calculators registry', () => {
  it('cites clauses of the seed and existing rule tables', () => {
    for (const c of CALCULATORS) {
      expect(clauseText(SEED, c.clause), c.id).not.toBeNull();
      for (const t of c.tables) expect(DEFAULT_RULES[t].length, `${c.id} → ${t}`).toBeGreaterThan(0);
    }
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { regionLevel } from '../regions.js';
import {
  CITY_REGION,
  DEPARTMENT_UNASSIGNED,
  NON_TARGET_NUMBERS,
  PLAN_TARGETS,
  SEED_SOURCE,
  parsePeriod,
  targetById,
  targetsDueIn,
  targetsForYear,
  type NonTargetNumber,
  type PlanTarget,
} from './catalog.js';

// The seed lives beside the checkout (../shared/seed); TUOPIN_SEED points elsewhere.
const SEED_CANDIDATES = [
  process.env.TUOPIN_SEED,
  fileURLToPath(new URL(`../../../../shared/${SEED_SOURCE.file}`, import.meta.url)),
  fileURLToPath(new URL(`../../../${SEED_SOURCE.file}`, import.meta.url)),
].filter((p): p is string => typeof p === 'string' && p !== '');

let seed = '';

beforeAll(() => {
  const path = SEED_CANDIDATES.find((p) => existsSync(p));
  if (path === undefined) {
    throw new Error(`seed not found; looked in ${SEED_CANDIDATES.join(', ')} (set TUOPIN_SEED)`);
  }
  seed = readFileSync(path, 'utf8');
});

// ── helpers over the seed ──────────────────────────────────────────────────────────────────

function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** The clause (一(二), 二(一)5 …) in force at each offset, from the headings at line starts. */
function clauseIndex(text: string): (offset: number) => string {
  const marks: { at: number; clause: string }[] = [{ at: 0, clause: '' }];
  let part = '';
  let section = '';
  let at = 0;
  for (const line of text.split('\n')) {
    const top = /^([一二三四五六七八九])、/.exec(line);
    const sub = /^\(([一二三四五六七八九十])\)/.exec(line);
    const item = /^(\d+)\.(?!\d)/.exec(line);
    if (top) {
      part = top[1] ?? '';
      section = '';
      marks.push({ at, clause: part });
    } else if (sub && part !== '') {
      section = `(${sub[1] ?? ''})`;
      marks.push({ at, clause: part + section });
    } else if (item && section !== '') {
      marks.push({ at, clause: part + section + (item[1] ?? '') });
    }
    at += line.length + 1;
  }
  return (offset) => {
    let clause = '';
    for (const m of marks) {
      if (m.at > offset) break;
      clause = m.clause;
    }
    return clause;
  };
}

interface NumberToken {
  at: number;
  end: number;
  value: string;
}

const NUMBER = /[0-9０-９]+(?:\.[0-9０-９]+)?/g;

/** Every digit token of `text`: each run of digits with its decimal part. */
function allNumberTokens(text: string): NumberToken[] {
  return [...text.matchAll(NUMBER)].map((m) => ({ at: m.index, end: m.index + m[0].length, value: m[0] }));
}

/**
 * The number tokens that can carry a quantity: all digit tokens but calendar years (19xx/20xx
 * followed by 年, —, - or 至) and item numbers at a line start ("1.扶持…").
 */
function quantityTokens(text: string): NumberToken[] {
  return allNumberTokens(text).filter((tok) => {
    const next = text.charAt(tok.end);
    if (/^(19|20)\d\d$/.test(tok.value) && /[年—\-至]/.test(next)) return false;
    const lineStart = tok.at === 0 || text.charAt(tok.at - 1) === '\n';
    if (lineStart && next === '.' && !/\d/.test(text.charAt(tok.end + 1))) return false;
    return true;
  });
}

/** Spans of the seed covered by a target's text or a non-target context. */
function spansOf(texts: readonly string[]): { at: number; end: number }[] {
  return texts.flatMap((t) => occurrences(seed, t).map((at) => ({ at, end: at + t.length })));
}

function isCovered(tok: NumberToken, spans: readonly { at: number; end: number }[]): boolean {
  return spans.some((s) => s.at <= tok.at && tok.end <= s.end);
}

/** The seed's quantity tokens that neither a target's text nor a NON_TARGET context covers. */
function uncovered(targets: readonly PlanTarget[], nonTargets: readonly NonTargetNumber[]): string[] {
  const spans = spansOf([...targets.map((t) => t.text), ...nonTargets.map((n) => n.context)]);
  return quantityTokens(seed)
    .filter((tok) => !isCovered(tok, spans))
    .map((tok) => `${tok.value} in "${seed.slice(Math.max(0, tok.at - 12), tok.end + 8)}"`);
}

// ── tests ────────────────────────────────────────────────────────────────────────────────────

describe('SEED_SOURCE', () => {
  it('names the seed: its title line and publication date', () => {
    expect(seed.split('\n')[0]?.trim()).toBe(SEED_SOURCE.title);
    expect(seed).toContain(`发布日期:${SEED_SOURCE.published}`);
    expect(SEED_SOURCE.published).toBe('2018-11-05');
  });
});

describe('PLAN_TARGETS: well formed', () => {
  it('has unique, well-formed ids whose numbers follow the clause', () => {
    const ids = PLAN_TARGETS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const digit: Record<string, string> = { 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
    for (const t of PLAN_TARGETS) {
      expect(t.id, t.id).toMatch(/^T-\d-\d(-\d)?-[a-z0-9]+(-[a-z0-9]+)*$/);
      const m = /^([一二三四五])\(([一二三四五六七八九])\)(\d*)$/.exec(t.clause);
      expect(m, `${t.id}: clause ${t.clause}`).not.toBeNull();
      const prefix = `T-${digit[m?.[1] ?? ''] ?? ''}-${digit[m?.[2] ?? ''] ?? ''}${m?.[3] ? `-${m[3]}` : ''}-`;
      expect(t.id.startsWith(prefix), `${t.id} should start with ${prefix}`).toBe(true);
    }
  });

  it('quotes the seed verbatim, inside the clause it cites', () => {
    const clauseAt = clauseIndex(seed);
    for (const t of PLAN_TARGETS) {
      const at = occurrences(seed, t.text);
      expect(at.length, `${t.id}: text not in the seed: ${t.text}`).toBeGreaterThan(0);
      expect(at.map(clauseAt), `${t.id}: text outside ${t.clause}`).toContain(t.clause);
      expect(t.text).not.toMatch(/\n/);
    }
  });

  it('has every other field in range', () => {
    for (const t of PLAN_TARGETS) {
      const where = t.id;
      expect(t.indicator, where).toMatch(/[\u4e00-\u9fff]/);
      expect(t.unit, where).not.toBe('');
      expect(t.region, where).toMatch(/^\d{12}$/);
      expect(['city', 'county'], where).toContain(regionLevel(t.region));
      expect(t.region.startsWith('6201'), where).toBe(true);
      expect(Number.isFinite(t.planned), where).toBe(true);
      expect(t.year, where).not.toBeNull();
      expect(t.year, where).toBeGreaterThanOrEqual(2018);
      expect(t.year, where).toBeLessThanOrEqual(2020);
      if (t.period !== undefined) {
        const span = parsePeriod(t.period);
        expect(span, where).not.toBeNull();
        expect(span?.to, `${where}: the period ends in the deadline year`).toBe(t.year);
        expect(span?.from, where).toBeLessThan(span?.to ?? 0);
      }
      if (t.comparison === 'all') {
        expect({ planned: t.planned, unit: t.unit }, where).toEqual({ planned: 100, unit: '%' });
        expect(t.of, `${where}: an 'all' target says what 100% is`).toBeTruthy();
      }
      if (t.unit === '%') expect(t.planned, where).toBeLessThanOrEqual(100);
      if (t.units !== undefined) expect(t.per, `${where}: units needs per`).toBeTruthy();
      if (t.relativeTo !== undefined) expect(t.comparison, where).toBe('atLeast');
      if (t.reach.kind === 'reported') {
        expect(t.reach.department, where).toBe(DEPARTMENT_UNASSIGNED);
      } else {
        expect(t.reach.data.length, where).toBeGreaterThan(0);
        expect(t.reach.source.startsWith(`${t.reach.data.join('+')}: `), where).toBe(true);
        expect(t.reach.source.length, where).toBeGreaterThan(t.reach.data.join('+').length + 6);
      }
      if (t.restates !== undefined) {
        const earlier = targetById(t.restates);
        expect(earlier, `${where} restates ${t.restates}`).toBeDefined();
        expect(PLAN_TARGETS.indexOf(earlier as PlanTarget), where).toBeLessThan(PLAN_TARGETS.indexOf(t));
        expect({ unit: earlier?.unit, planned: earlier?.planned }, where).toEqual({ unit: t.unit, planned: t.planned });
      }
    }
  });

  it("states in its text the number it plans (万 scaled unless the unit is 万元)", () => {
    for (const t of PLAN_TARGETS) {
      if (t.comparison === 'all' || t.relativeTo !== undefined) continue;
      const tokens = quantityTokens(t.text);
      const candidates = tokens.flatMap((tok) => {
        const n = Number(tok.value);
        return t.text.charAt(tok.end) === '万' && t.unit !== '万元' ? [n * 10_000] : [n];
      });
      if (candidates.length === 0) {
        // 一月一调度, 每季度开展一次 (1); 不因贫失学辍学 (none: 0); a named county's exit (1)
        expect([0, 1], t.id).toContain(t.planned);
        if (t.planned === 0) expect(t.comparison, t.id).toBe('atMost');
      } else {
        expect(candidates.some((c) => Math.abs(c - t.planned) < 1e-9), `${t.id}: ${t.planned} not in "${t.text}"`).toBe(true);
      }
    }
  });

  it('names the counties the seed names', () => {
    expect(targetById('T-1-2-exit-county-yongdeng-2018')?.region).toBe('620121000000');
    expect(targetById('T-1-2-exit-county-yuzhong-2018')?.region).toBe('620123000000');
    expect(targetById('T-2-1-6-ecommerce-gaolan-2018')?.region).toBe('620122000000');
    const countyTargets = PLAN_TARGETS.filter((t) => t.region !== CITY_REGION).map((t) => t.id);
    expect(countyTargets.sort()).toEqual([
      'T-1-2-exit-county-yongdeng-2018',
      'T-1-2-exit-county-yuzhong-2018',
      'T-2-1-6-ecommerce-gaolan-2018',
    ]);
  });

  it('has targets in every part of the plan', () => {
    const parts = new Set(PLAN_TARGETS.map((t) => t.clause.charAt(0)));
    expect([...parts].sort()).toEqual(['一', '三', '二', '五', '四'].sort());
  });
});

describe('PLAN_TARGETS: the key figures', () => {
  const expectTarget = (id: string, planned: number, unit: string, year: number, comparison = 'atLeast') => {
    const t = targetById(id);
    expect(t, id).toBeDefined();
    expect({ planned: t?.planned, unit: t?.unit, year: t?.year, comparison: t?.comparison }, id).toEqual({
      planned,
      unit,
      year,
      comparison,
    });
  };

  it('people out of poverty: 1.74万 / 0.95万 / 0.56万', () => {
    expectTarget('T-1-2-exit-people-2018', 17400, '人', 2018);
    expectTarget('T-1-2-exit-people-2019', 9500, '人', 2019);
    expectTarget('T-1-2-exit-people-2020', 5600, '人', 2020);
    expect(targetById('T-1-2-exit-people-2018')?.reach.kind).toBe('computed');
  });

  it('villages and counties exiting in 2018', () => {
    expectTarget('T-1-2-exit-villages-2018', 185, '个', 2018);
    expectTarget('T-1-2-exit-county-yongdeng-2018', 1, '个', 2018);
    expectTarget('T-1-2-exit-county-yuzhong-2018', 1, '个', 2018);
  });

  it('industry: cooperatives, tourism, PV, e-commerce', () => {
    expectTarget('T-2-1-2-coops-per-village', 2, '个', 2020);
    expect(targetById('T-2-1-2-coops-per-village')?.per).toBe('每个建档立卡贫困村');
    expectTarget('T-2-1-2-coop-villages-2018', 256, '个', 2018);
    expectTarget('T-2-1-3-tech-staff-per-village', 1, '人', 2020);
    expectTarget('T-2-1-4-tourism-villages-2020', 34, '个', 2020);
    expectTarget('T-2-1-4-farm-stays-2020', 1000, '户', 2020);
    expectTarget('T-2-1-5-pv-capacity-2018', 3.775, '兆瓦', 2018);
    expectTarget('T-2-1-5-pv-villages-2018', 51, '个', 2018);
    expectTarget('T-2-1-5-pv-households-2018', 1073, '户', 2018);
    expectTarget('T-2-1-6-ecommerce-demo-counties-2018', 3, '个', 2018);
    expectTarget('T-2-1-6-logistics-county-township-2020', 80, '%', 2020);
    expectTarget('T-2-1-6-logistics-township-village-2020', 40, '%', 2020);
  });

  it('employment, rangers, health', () => {
    expectTarget('T-2-2-1-training-2020', 20200, '人次', 2020);
    expectTarget('T-2-2-1-training-income-2020', 10500, '人', 2020);
    expectTarget('T-2-2-3-public-welfare-posts-2020', 3613, '个', 2020);
    expectTarget('T-2-3-forest-rangers-2020', 66, '人', 2020);
    expectTarget('T-2-5-medical-insurance-rate', 100, '%', 2020, 'all');
    expectTarget('T-2-5-reimbursement-ratio', 85, '%', 2020);
    expectTarget('T-2-5-out-of-pocket-cap', 3000, '元', 2020, 'atMost');
    expectTarget('T-2-5-gp-per-health-centre', 1, '人', 2020);
    expectTarget('T-1-2-no-dropout-2020', 0, '人', 2020, 'atMost');
  });

  it('the seven projects: roads, housing, relocation, broadband, collective income, villages', () => {
    expectTarget('T-3-1-road-rectification-2018', 360, '公里', 2018);
    expectTarget('T-3-1-class2-townships-2020', 75, '%', 2020);
    expectTarget('T-3-3-dangerous-houses-2018', 2018, '户', 2018);
    expectTarget('T-3-3-relocation-2018', 5543, '户', 2018);
    expectTarget('T-3-4-broadband-speed-2018', 12, 'Mbps', 2018);
    // 5万元 is kept in the seed's unit: planned 5, unit 万元 (= 50000 元), per village per year.
    expectTarget('T-3-5-poor-village-income-2018', 5, '万元', 2018);
    expect(targetById('T-3-5-poor-village-income-2018')?.units).toBe(256);
    expectTarget('T-3-5-village-income-2020', 5, '万元', 2020);
    expect(targetById('T-3-5-village-income-2020')?.units).toBe(730);
    expectTarget('T-3-5-non-poor-villages-supported-2019', 474, '个', 2019);
    expectTarget('T-3-6-demonstration-villages-2019', 50, '个', 2019);
    expectTarget('T-3-6-demonstration-villages-2020', 50, '个', 2020);
    expect(targetById('T-3-6-demonstration-villages-2020')?.approximate).toBe(true);
  });

  it('science, cadres and organisation', () => {
    for (const y of [2018, 2019, 2020]) expectTarget(`T-4-4-tech-experts-${y}`, 50, '人', y);
    expectTarget('T-4-4-provincial-science-parks-2020', 2, '家', 2020);
    expectTarget('T-4-4-city-demonstration-parks-2020', 15, '家', 2020);
    expectTarget('T-4-4-star-innovation-spaces-2020', 6, '家', 2020);
    expectTarget('T-5-2-eastern-enterprise-per-county', 1, '户', 2020);
    expectTarget('T-5-4-reserve-cadres-ratio', 1, '人', 2020);
    expectTarget('T-5-4-reserve-secretaries-ratio', 2, '人', 2020);
    expectTarget('T-5-4-concurrent-posts-2018', 70, '%', 2018);
    expectTarget('T-5-4-concurrent-posts-2020', 100, '%', 2020, 'all');
    expect(PLAN_TARGETS.filter((t) => t.clause === '五(一)').map((t) => t.per)).toEqual([
      '每月',
      '每个区县每周',
      '每个乡镇、村每天',
    ]);
  });
});

describe('every number in the seed is a target or an explained non-target', () => {
  it('NON_TARGET_NUMBERS quote the seed and list the digits they explain', () => {
    const clauseAt = clauseIndex(seed);
    for (const n of NON_TARGET_NUMBERS) {
      const at = occurrences(seed, n.context);
      expect(at.length, `not in the seed: ${n.context}`).toBeGreaterThan(0);
      expect(at.map(clauseAt), n.context).toContain(n.clause);
      expect(allNumberTokens(n.context).map((tok) => tok.value), n.context).toEqual(n.numbers);
      expect(n.reason, n.context).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('no number is both a target and a non-target', () => {
    const targetSpans = spansOf(PLAN_TARGETS.map((t) => t.text));
    const nonTargetSpans = spansOf(NON_TARGET_NUMBERS.map((n) => n.context));
    const both = quantityTokens(seed).filter((tok) => isCovered(tok, targetSpans) && isCovered(tok, nonTargetSpans));
    expect(both).toEqual([]);
  });

  it('covers every quantity token of the seed', () => {
    expect(quantityTokens(seed).length).toBeGreaterThan(50);
    expect(uncovered(PLAN_TARGETS, NON_TARGET_NUMBERS)).toEqual([]);
  });

  it('fails when a target is missing', () => {
    const without = PLAN_TARGETS.filter((t) => t.id !== 'T-2-2-3-public-welfare-posts-2020');
    expect(uncovered(without, NON_TARGET_NUMBERS)).toEqual([expect.stringContaining('3613')]);
    const withoutPv = PLAN_TARGETS.filter((t) => t.id !== 'T-2-1-5-pv-capacity-2018');
    expect(uncovered(withoutPv, NON_TARGET_NUMBERS)).toEqual([expect.stringContaining('3.775')]);
  });

  it('skips only calendar years and item numbers', () => {
    const skipped = allNumberTokens(seed).filter((tok) => !quantityTokens(seed).some((q) => q.at === tok.at));
    for (const tok of skipped) {
      const isYear = /^(19|20)\d\d$/.test(tok.value);
      const isItem = /^\d$/.test(tok.value) && seed.charAt(tok.at - 1) === '\n' && seed.charAt(tok.end) === '.';
      expect(isYear || isItem, `${tok.value} at ${tok.at}`).toBe(true);
    }
    // 2018户 is a count, not a year
    expect(quantityTokens('完成省级农村危改任务2018户').map((t) => t.value)).toEqual(['2018']);
  });
});

describe('targetsForYear / targetsDueIn', () => {
  it('lists targets due in a year and those running through it', () => {
    const due2018 = targetsDueIn(2018).map((t) => t.id);
    expect(due2018).toContain('T-1-2-exit-people-2018');
    expect(due2018).not.toContain('T-2-2-1-training-2020');
    const active2018 = targetsForYear(2018).map((t) => t.id);
    expect(active2018).toContain('T-1-2-exit-people-2018');
    expect(active2018).toContain('T-2-2-1-training-2020');
    expect(active2018).not.toContain('T-1-2-exit-people-2019');
    expect(targetsForYear(2019).map((t) => t.id)).toContain('T-1-2-exit-people-2019');
    expect(targetsForYear(2017).map((t) => t.id)).toEqual(['T-3-3-relocation-2018']);
    expect(targetsForYear(2021)).toEqual([]);
    expect(targetsDueIn(2018).length + targetsDueIn(2019).length + targetsDueIn(2020).length).toBe(PLAN_TARGETS.length);
  });

  it('parses periods', () => {
    expect(parsePeriod('2018-2020')).toEqual({ from: 2018, to: 2020 });
    expect(parsePeriod('2020-2018')).toBeNull();
    expect(parsePeriod('2018')).toBeNull();
    expect(parsePeriod(undefined)).toBeNull();
  });
});

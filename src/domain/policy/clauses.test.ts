import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clauseText, isSeedClause, parseClause } from './clauses.js';

const SEED = readFileSync(new URL('../../../../shared/seed/000_0aa6a34f32829986.txt', import.meta.url), 'utf8');

describe('parseClause', () => {
  it('reads part, section and item', () => {
    expect(parseClause('二(二)1')).toEqual({ part: '二', section: '二', item: 1 });
    expect(parseClause('三(五)')).toEqual({ part: '三', section: '五', item: null });
    expect(parseClause('二（六）')).toEqual({ part: '二', section: '六', item: null });
    expect(parseClause('四')).toEqual({ part: '四', section: null, item: null });
    expect(parseClause('甘肃省贫困人口退出验收做法')).toBeNull();
    expect(isSeedClause('国发〔2014〕8号')).toBe(false);
  });
});

describe('clauseText', () => {
  it('finds a numbered item and stops at the next one', () => {
    const t = clauseText(SEED, '二(二)1') ?? '';
    expect(t.startsWith('1.推进劳动力培训和输转就业')).toBe(true);
    expect(t).toContain('按2000元/人的标准给予培训补助');
    expect(t).not.toContain('扶贫车间');
  });
  it('finds a section and stops at the next section', () => {
    const t = clauseText(SEED, '二(五)') ?? '';
    expect(t.startsWith('(五)着力推进健康扶贫行动')).toBe(true);
    expect(t).toContain('3000元以内');
    expect(t).not.toContain('社会保障性兜底');
  });
  it('keeps sections of different parts apart', () => {
    expect(clauseText(SEED, '三(二)')).toContain('农村饮水安全巩固提升工程');
    expect(clauseText(SEED, '三(二)')).not.toContain('就业扶贫');
    expect(clauseText(SEED, '四(二)')).toContain('“3+1”保险保障体系');
  });
  it('finds a whole part', () => {
    const t = clauseText(SEED, '三') ?? '';
    expect(t.startsWith('三、实施“七项工程”')).toBe(true);
    expect(t).not.toContain('四、强化');
  });
  it('returns null for a clause that is not there', () => {
    expect(clauseText(SEED, '二(九)')).toBeNull();
    expect(clauseText(SEED, '二(二)7')).toBeNull();
    expect(clauseText(SEED, '二(三)1')).toBeNull();
    expect(clauseText(SEED, '九')).toBeNull();
    expect(clauseText(SEED, 'x')).toBeNull();
  });
});

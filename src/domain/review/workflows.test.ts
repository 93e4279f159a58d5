import { describe, expect, it } from 'vitest';
import { addDays, daysShown, decisionIndex, earliestClose, PROPOSAL_TYPES, WORKFLOWS } from './workflows.js';

describe('review workflows', () => {
  it('every procedure has village, township and county signers, one county decision and a notice of at least 5 days', () => {
    for (const type of PROPOSAL_TYPES) {
      const steps = WORKFLOWS[type];
      const roles = new Set(steps.flatMap((s) => s.roles));
      expect(roles.has('village') && roles.has('township') && roles.has('county'), type).toBe(true);
      expect(steps.filter((s) => s.kind === 'decide'), type).toHaveLength(1);
      expect(steps.find((s) => s.kind === 'notice')!.minDays, type).toBeGreaterThanOrEqual(5);
      expect(decisionIndex(type)).toBeGreaterThan(0);
      for (const s of steps) expect(s.source.length, `${type}.${s.key}`).toBeGreaterThan(1);
    }
  });

  it('identification has two notices and an announcement (两公示一公告)', () => {
    expect(WORKFLOWS.identify.filter((s) => s.kind === 'notice').map((s) => s.minDays)).toEqual([7, 7]);
    expect(WORKFLOWS.identify.at(-1)!.kind).toBe('announce');
  });

  it('monitoring notices last 5 days; others 7', () => {
    expect(WORKFLOWS.monitor_enter.find((s) => s.kind === 'notice')!.minDays).toBe(5);
    expect(WORKFLOWS.exit.find((s) => s.kind === 'notice')!.minDays).toBe(7);
    expect(WORKFLOWS.monitor_enter.map((s) => s.key)).toEqual(['home_visit', 'authorisation', 'data_check', 'village_review', 'village_notice', 'township_review', 'county_decision']);
  });

  it('counts notice days with the start day as day one, across month ends', () => {
    expect(daysShown('2019-03-01', '2019-03-07')).toBe(6);
    expect(daysShown('2019-03-01', '2019-03-08')).toBe(7);
    expect(earliestClose('2019-03-01', 7)).toBe('2019-03-08');
    expect(earliestClose('2019-02-25', 7)).toBe('2019-03-04');
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
  });
});

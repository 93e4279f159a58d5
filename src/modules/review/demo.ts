import type { Actor, Ctx } from '../../core/context.js';
import { addDays } from '../../domain/review/workflows.js';
import { openCycle, todayCn } from './cycles.js';
import { postNotice } from './notices.js';
import { actOnProposal, createProposal, type ProposalView } from './proposals.js';

/**
 * Demo dynamic management: the current quarter's cycle opened by the demo city office and a few
 * proposals of the demo village at different steps (an exit on its 7-day notice, a monitoring case
 * at the home visit, a removal awaiting village review), made through the same services a user
 * calls. Runs once: nothing happens when any cycle exists.
 */
export async function loadDemoReview(ctx: Ctx): Promise<number> {
  if ((await ctx.db.query('SELECT 1 FROM review_cycles LIMIT 1')).length) return 0;
  const users = await ctx.db.query<{ id: string; username: string; display_name: string; role: Actor['role']; region_code: string }>(
    `SELECT id, username, display_name, role, region_code FROM users WHERE username IN ('demo-city', 'demo-village', 'demo-county')`,
  );
  const as = (username: string): Ctx => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`demo user ${username} missing`);
    return { db: ctx.db, requestId: 'demo-review', actor: { id: u.id, username: u.username, displayName: u.display_name, role: u.role, regionCode: u.region_code } };
  };
  const today = todayCn();
  const year = Number(today.slice(0, 4));
  const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  await openCycle(as('demo-city'), { year, quarter, villageDeadline: addDays(today, 10), townshipDeadline: addDays(today, 20), countyDeadline: addDays(today, 30), note: '演示周期（合成数据）' });
  const village = as('demo-village');
  const pick = async (status: string, offset: number) => (await ctx.db.query<{ household_number: string }>(
    `SELECT household_number FROM households WHERE village_code = $1 AND poverty_status = $2 ORDER BY household_number OFFSET $3 LIMIT 1`,
    [village.actor.regionCode, status, offset],
  ))[0]?.household_number;
  const evidence = {
    民主评议记录: '村民代表会议（演示），应到 35 人，实到 31 人，同意 29 人',
    核实记录: '村两委和驻村工作队入户核实收入、住房、饮水（演示）',
    贫困户签字认可书: '户主签字认可（演示）',
  };
  let n = 0;
  const exitNo = await pick('未脱贫', 0);
  if (exitNo) {
    let p: ProposalView = await createProposal(village, { type: 'exit', householdNumber: exitNo, reason: '家庭人均纯收入稳定超过当年标准，两不愁三保障和饮水安全已落实（演示）' });
    p = await actOnProposal(village, p.id, { action: 'approve', version: p.version, evidence });
    p = await actOnProposal(village, p.id, { action: 'approve', version: p.version, evidence });
    await postNotice(village, { proposalIds: [p.id], objectionsTo: '村委会（演示电话 0931-0000000）' });
    n++;
  }
  const monitorNo = await pick('已脱贫', 0);
  if (monitorNo) {
    await createProposal(village, { type: 'monitor_enter', householdNumber: monitorNo, reason: '家庭主要劳动力务工受伤，收入骤减（演示）', monitoringCategory: '脱贫不稳定户', clueSource: '干部走访排查', firstClueOn: addDays(today, -3) });
    n++;
  }
  const removeNo = await pick('未脱贫', 1);
  if (removeNo) {
    await createProposal(village, { type: 'remove', householdNumber: removeNo, reason: '部门比对发现家庭成员为财政供养人员，待村级核实（演示）' });
    n++;
  }
  return n;
}

import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { verifyAudit } from '../core/audit.js';
import { loadConfig, type Config } from '../core/config.js';
import { systemCtx, ROLES, type Role } from '../core/context.js';
import type { Db } from '../core/db.js';
import { createUser } from '../modules/access/service.js';
import { parseFactArgs, runCalculator } from '../modules/assistance/calc.js';
import { exportPlans } from '../modules/assistance/export.js';
import { compareDataset } from '../modules/comparison/compare.js';
import { datasetFindings } from '../modules/comparison/service.js';
import { exitCheck } from '../modules/monitoring/exit.js';
import { runScan } from '../modules/monitoring/scan.js';
import { importRegions } from '../modules/regions/service.js';
import { loadDemo, DEMO_PASSWORD } from '../modules/demo/load.js';
import { exportRegistry } from '../modules/registry/export.js';
import { importRegistry, type ImportError } from '../modules/registry/import.js';
import { refreshIndicators, regionIndicators } from '../modules/stats/indicators.js';
import { listEntries } from '../modules/targets/entries.js';
import { exportIncidence, exportProgress } from '../modules/targets/export.js';
import { reportTargets } from '../modules/targets/service.js';
import { buildApp } from '../server/app.js';
import { openAndPrepare } from '../server/bootstrap.js';
import { readRegionsCsv } from './regions-csv.js';
import { EXIT_FAILURE, EXIT_OK, makeOut, Rejected, reportError, type Out } from './output.js';
import { ValidationError } from '../core/errors.js';

/**
 * `tuopin`: every batch job and report. Global options may stand before or after the command:
 * --data-dir DIR (or TUOPIN_DATA_DIR) for the embedded database, DATABASE_URL for a server,
 * --json for one JSON document on stdout. Exit 0 success, 1 rejected input, 2 failure.
 */

// Lift the global options out of argv wherever they stand, so `tuopin import f --data-dir d`
// and `tuopin --data-dir d import f` mean the same.
function liftGlobals(argv: string[]): { argv: string[]; dataDir?: string; json: boolean } {
  const rest: string[] = [];
  let dataDir: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') { dataDir = argv[++i]; continue; }
    if (a.startsWith('--data-dir=')) { dataDir = a.slice('--data-dir='.length); continue; }
    if (a === '--json') { json = true; continue; }
    rest.push(a);
  }
  return { argv: rest, dataDir, json };
}

const lifted = liftGlobals(process.argv.slice(2));
const out: Out = makeOut(lifted.json);
const config: Config = loadConfig({ dataDir: lifted.dataDir });

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openAndPrepare(config);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function fmtErrors(errors: ImportError[], count: number): string {
  const lines = errors.slice(0, 200).map((e) =>
    `  ${e.sheet ?? ''}${e.row ? ` 第${e.row}行` : ''}${e.column ? `「${e.column}」` : ''}${e.value ? ` 值「${e.value}」` : ''}: ${e.message} [${e.code}]`);
  if (count > lines.length) lines.push(`  … 共 ${count} 处错误`);
  return lines.join('\n');
}

const program = new Command();
program
  .name('tuopin')
  .description('tuopin 脱贫攻坚管理平台命令行。\n全局选项（可放在命令前后）：--data-dir DIR 内嵌数据库目录（或 TUOPIN_DATA_DIR；默认 ./data），--json 输出一个 JSON 文档。\n设置 DATABASE_URL 时连接 PostgreSQL 服务器。退出码：0 成功，1 输入被拒绝，2 失败。')
  .addOption(new Option('--data-dir <dir>', '内嵌数据库目录（PGlite）'))
  .addOption(new Option('--json', '以 JSON 输出结果'))
  .showHelpAfterError();

program.command('migrate').description('执行数据库迁移').action(async () => {
  await withDb(async (db) => {
    out.result({ ok: true, database: db.describe }, `数据库已是最新：${db.describe}`);
  });
});

program
  .command('serve')
  .description('启动 Web 服务（默认端口 3000 或 PORT）')
  .option('--port <n>', '端口', (v) => Number(v))
  .option('--demo-if-empty', '数据库为空时先载入演示数据')
  .action(async (o: { port?: number; demoIfEmpty?: boolean }) => {
    const db = await openAndPrepare(config);
    if (o.demoIfEmpty) {
      const users = await db.query('SELECT 1 FROM users LIMIT 1');
      if (!users.length) {
        out.info('首次启动：正在载入合成演示数据（兰州市，非真实数据）…');
        const bar = out.progress('载入演示数据');
        const res = await loadDemo(systemCtx(db), { onProgress: (n) => bar.update(n) });
        bar.stop();
        out.info(`演示数据已载入：${res.households === 'already-loaded' ? '已存在' : `${res.households.ok ? res.households.households : 0} 户`}；演示账号密码 ${DEMO_PASSWORD}`);
      }
    }
    const app = await buildApp({ db, config, logger: { level: config.logLevel } });
    const port = o.port ?? config.port;
    await app.listen({ port, host: config.host });
    out.info(`tuopin 已启动：http://localhost:${port}/  （API 文档 /api/docs，数据库 ${db.describe}）`);
    const stop = async () => {
      await app.close();
      await db.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

program
  .command('demo')
  .description('载入合成演示数据（兰州市的真实县区乡镇，合成的村、户和人；可重复执行）')
  .option('--scale <n>', '规模倍数（1 = 方案规模，约 3.25 万贫困人口加已脱贫户）', (v) => Number(v), 1)
  .option('--seed <n>', '随机种子（相同种子生成相同数据）', (v) => Number(v), 2018)
  .action(async (o: { scale: number; seed: number }) => {
    await withDb(async (db) => {
      const bar = out.progress('载入演示数据');
      const res = await loadDemo(systemCtx(db), { scale: o.scale, seed: o.seed, onProgress: (n) => bar.update(n) });
      bar.stop();
      const h = res.households;
      if (h !== 'already-loaded' && h.ok) await refreshIndicators(systemCtx(db));
      out.result(
        { ok: true, regions: res.regions, households: h === 'already-loaded' ? 'already-loaded' : h.ok ? { households: h.households, members: h.members } : h, users: res.users, password: DEMO_PASSWORD },
        `区划：新增 ${res.regions.created}，更新 ${res.regions.updated}\n户：${h === 'already-loaded' ? '已载入过，未重复载入' : h.ok ? `${h.households} 户 ${h.members} 人` : '失败'}\n演示账号：${res.users.join(', ') || '已存在'}（密码 ${DEMO_PASSWORD}）`,
      );
    });
  });

program
  .command('import')
  .description('导入建档立卡工作簿（.xlsx 两个工作表：户信息、家庭成员），或两个 .csv（--households/--members）。默认全部成功或全部不导入')
  .argument('[file]', '.xlsx 文件')
  .option('--households <file>', '户信息 .csv')
  .option('--members <file>', '家庭成员 .csv')
  .option('--dry-run', '只校验，不写入')
  .option('--upsert', '户编号已存在时更新该户（逐项记录变更）；不加时已存在的户编号是错误')
  .action(async (file: string | undefined, o: { households?: string; members?: string; dryRun?: boolean; upsert?: boolean }) => {
    let src;
    if (file) src = { kind: 'xlsx' as const, path: path.resolve(file) };
    else if (o.households && o.members) src = { kind: 'csv' as const, households: path.resolve(o.households), members: path.resolve(o.members) };
    else throw new Rejected({ ok: false, errors: [{ sheet: null, row: null, column: null, value: null, code: 'NO_FILE', message: '请指定 .xlsx 文件，或 --households 与 --members 两个 .csv 文件' }] }, '请指定 .xlsx 文件，或 --households 与 --members 两个 .csv 文件');
    for (const p of src.kind === 'xlsx' ? [src.path] : [src.households, src.members]) {
      if (!fs.existsSync(p)) throw new Rejected({ ok: false, errors: [{ sheet: null, row: null, column: null, value: p, code: 'FILE_NOT_FOUND', message: `文件不存在：${p}` }] }, `文件不存在：${p}`);
    }
    await withDb(async (db) => {
      const bar = out.progress('导入');
      const res = await importRegistry(systemCtx(db), src, { dryRun: o.dryRun, upsert: o.upsert, onProgress: (n) => bar.update(n) });
      bar.stop();
      for (const w of res.warnings) out.info(`提示：${w.sheet ?? ''}${w.column ? `「${w.column}」` : ''} ${w.message}`);
      if (!res.ok) {
        throw new Rejected({ ok: false, errors: res.errors, errorCount: res.errorCount }, `导入被拒绝，未写入任何数据：\n${fmtErrors(res.errors, res.errorCount)}`);
      }
      // The pre-aggregated indicators follow every import that wrote something.
      const ind = res.dryRun ? null : await refreshIndicators(systemCtx(db));
      if (ind) out.info(`指标已更新：${ind.rows} 行（${ind.ms} ms）`);
      out.result(
        { ok: true, households: res.households, members: res.members, dryRun: res.dryRun, created: res.created, updated: res.updated, unchanged: res.unchanged },
        `${res.dryRun ? '校验通过（未写入）' : '导入完成'}：${res.households} 户，${res.members} 人（新增 ${res.created} 户，更新 ${res.updated} 户，未变 ${res.unchanged} 户）`,
      );
    });
  });

program
  .command('export')
  .description('导出建档立卡工作簿（默认证件号码、电话、银行账号脱敏）')
  .argument('<file>', '输出 .xlsx 文件')
  .option('--region <code>', '只导出该区划（12 位代码）及下级')
  .option('--unmasked', '不脱敏（记入审计日志）')
  .action(async (file: string, o: { region?: string; unmasked?: boolean }) => {
    await withDb(async (db) => {
      const ctx = systemCtx(db);
      const res = await exportRegistry(ctx, path.resolve(file), { region: o.region, unmasked: o.unmasked });
      out.result({ ok: true, file: path.resolve(file), ...res }, `已导出 ${res.households} 户 ${res.members} 人到 ${file}${res.masked ? '（已脱敏）' : '（未脱敏，已记入审计）'}`);
    });
  });

program
  .command('compare')
  .description('数据比对：部门数据文件（.xlsx 第一个工作表或 .csv）与建档立卡按证件号码比对，输出线索')
  .argument('<file>', '部门数据文件')
  .requiredOption('--kind <kind>', '数据类别：hukou payroll vehicle business property education medical insurance pension dibao disability loan')
  .option('--year <year>', '数据年度（默认今年）', (v) => Number(v))
  .option('--purpose <text>', '比对目的', '命令行比对')
  .option('--authorisation <text>', '授权依据（农户书面授权或文件号）', '操作员在服务器上运行（命令行）')
  .action(async (file: string, o: { kind: string; year?: number; purpose: string; authorisation: string }) => {
    const p = path.resolve(file);
    const reject = (errors: { row: number | null; column: string | null; value: string | null; code: string; message: string }[]) => {
      throw new Rejected({ ok: false, errors }, `文件被拒绝：\n${errors.map((e) => `  ${e.row ? `第${e.row}行` : ''}${e.column ? `「${e.column}」` : ''} ${e.message} [${e.code}]`).join('\n')}`);
    };
    if (!fs.existsSync(p)) reject([{ row: null, column: null, value: p, code: 'FILE_NOT_FOUND', message: `文件不存在：${p}` }]);
    if (o.year !== undefined && !Number.isInteger(o.year)) reject([{ row: null, column: null, value: String(o.year), code: 'BAD_YEAR', message: '年度应为四位整数' }]);
    await withDb(async (db) => {
      const ctx = systemCtx(db);
      const bar = out.progress('比对');
      let res;
      try {
        res = await compareDataset(ctx, { path: p, kind: o.kind, year: o.year, purpose: o.purpose, authorisation: o.authorisation, onProgress: (n) => bar.update(n) });
      } catch (e) {
        bar.stop();
        if (e instanceof ValidationError) {
          const d = e.details as { errors?: { row: number | null; column: string | null; value: string | null; code: string; message: string }[] } | undefined;
          reject(d?.errors ?? [{ row: null, column: null, value: null, code: e.code, message: e.message }]);
        }
        throw e;
      }
      bar.stop();
      if (!res.ok) return reject(res.errors);
      const findings = (await datasetFindings(ctx, res.datasetId)).map((f) => ({
        idNumber: f.idNumber, code: f.code, householdNumber: f.householdNumber, rule: f.rule, evidence: f.evidence, status: f.status,
      }));
      const summary = { datasetId: res.datasetId, kind: res.kind, year: res.year, rows: res.rows, findings: res.findings, byCode: res.byCode, rejected: res.rejected, issues: res.issues };
      for (const r of res.rejected.slice(0, 50)) out.info(`被拒行：第${r.row}行「${r.column}」${r.message} [${r.code}]`);
      out.result({ findings, summary },
        `比对完成：${res.rows.total} 行，接受 ${res.rows.accepted}，拒绝 ${res.rows.rejected}，匹配在册 ${res.rows.matched}；线索 ${res.findings.total} 条（新 ${res.findings.new}，关闭 ${res.findings.closed}）\n` +
        Object.entries(res.byCode).map(([c, n]) => `  ${c}: ${n}`).join('\n'));
    });
  });

const regions = program.command('regions').description('行政区划');
regions
  .command('import')
  .description('导入区划 .csv（列：区划代码 12 位、名称，可选 是否贫困村 是/否）；已有区划更新，可重复执行')
  .argument('<file>')
  .action(async (file: string) => {
    const parsed = await readRegionsCsv(path.resolve(file));
    if (!parsed.ok) throw new Rejected({ ok: false, errors: parsed.errors }, `区划文件被拒绝：\n${parsed.errors.map((e) => `  第${e.row ?? '-'}行「${e.column ?? ''}」${e.message}`).join('\n')}`);
    await withDb(async (db) => {
      const res = await importRegions(systemCtx(db), parsed.rows);
      if (!res.ok) throw new Rejected({ ok: false, errors: res.errors }, `区划文件被拒绝，未写入：\n${res.errors.map((e) => `  第${e.row}行「${e.column}」值「${e.value}」: ${e.message}`).join('\n')}`);
      out.result({ ok: true, created: res.created, updated: res.updated }, `区划导入完成：新增 ${res.created}，更新 ${res.updated}`);
    });
  });

const users = program.command('users').description('用户');
users
  .command('add')
  .description('新建用户；密码从标准输入读取')
  .argument('<name>', '用户名')
  .requiredOption('--role <role>', `角色：${ROLES.join(', ')}`)
  .requiredOption('--region <code>', '辖区区划代码（12 位）')
  .option('--display-name <name>', '显示名')
  .option('--password-stdin', '从标准输入读取密码（必须）')
  .action(async (name: string, o: { role: string; region: string; displayName?: string; passwordStdin?: boolean }) => {
    if (!(ROLES as readonly string[]).includes(o.role)) throw new Rejected({ ok: false, code: 'ROLE', message: `角色必须是 ${ROLES.join(', ')} 之一` }, `角色必须是 ${ROLES.join(', ')} 之一`);
    if (!o.passwordStdin) throw new Rejected({ ok: false, code: 'PASSWORD_STDIN', message: '请用 --password-stdin 从标准输入提供密码' }, '请用 --password-stdin 从标准输入提供密码');
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    await withDb(async (db) => {
      const u = await createUser(systemCtx(db), { username: name, displayName: o.displayName, role: o.role as Role, regionCode: o.region, password });
      out.result({ ok: true, user: u }, `已创建用户 ${u.username}（${u.role}，${u.regionName ?? u.regionCode}）`);
    });
  });

const report = program.command('report').description('报表');
report
  .command('targets')
  .description('三年行动方案的全部量化目标：条款、原文、单位、计划值（按方案原文）与实际值（系统可计算的）')
  .option('--year <year>', '只列该年度的目标', (v) => Number(v))
  .action(async (o: { year?: number }) => {
    await withDb(async (db) => {
      const res = await reportTargets(systemCtx(db), { year: o.year });
      const lines = res.targets.map((t) => `${t.clause.padEnd(8)} ${t.indicator}：计划 ${t.planned}${t.unit}${t.year ? `（${t.year}）` : ''}，实际 ${t.reached ?? '—'} ${t.status}`);
      out.result({ targets: res.targets, source: res.source, asOf: res.asOf }, `${res.source.title}（${res.source.published}）\n${lines.join('\n')}\n共 ${res.targets.length} 项目标`);
    });
  });

const indicatorsCmd = program.command('indicators').description('预汇总指标（按区划各级、按期间）');
indicatorsCmd
  .command('refresh')
  .description('重新计算全部区划（省、市、县、乡镇、村）各期间（当前、各年度年末）的户数、人数、贫困人口、贫困发生率')
  .action(async () => {
    await withDb(async (db) => {
      const res = await refreshIndicators(systemCtx(db));
      out.result({ ok: true, ...res }, `指标已更新：${res.regions} 个区划 × ${res.periods.length} 个期间 = ${res.rows} 行，用时 ${res.ms} ms（计算时间 ${res.computedAt}）`);
    });
  });
indicatorsCmd
  .command('show')
  .description('显示一个区划及其下级的指标')
  .option('--region <code>', '区划代码（12 位；默认全部）')
  .option('--period <p>', 'current（当前状态）或年度 YYYY（年末口径）', 'current')
  .action(async (o: { region?: string; period: string }) => {
    await withDb(async (db) => {
      const res = await regionIndicators(systemCtx(db), { region: o.region, period: o.period });
      const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
      const line = (r: NonNullable<typeof res.region>) => `${r.regionCode} ${r.name ?? ''}：${r.households} 户 ${r.people} 人，贫困人口 ${r.poorPeople}，贫困发生率 ${pct(r.incidence)}`;
      out.result(res, `期间 ${res.period}，计算时间 ${res.computedAt ?? '尚未计算（请先运行 tuopin indicators refresh）'}\n${res.region ? line(res.region) : ''}\n${res.children.map((c) => '  ' + line(c)).join('\n')}`);
    });
  });

const targetsCmd = program.command('targets').description('目标填报与审批');
targetsCmd
  .command('entries')
  .description('列出目标填报值及审批状态（村集体经济收入等按村按年填报，逐村与计划值比较）')
  .option('--target <id>', '目标编号，如 T-3-5-poor-village-income-2018')
  .option('--region <code>', '区划代码（12 位），含下级')
  .option('--year <year>', '年度', (v) => Number(v))
  .addOption(new Option('--status <s>', '审批状态').choices(['draft', 'submitted', 'county_approved', 'approved']))
  .option('--below-plan', '只列未达计划值的（如集体收入不足5万元的村）')
  .action(async (o: { target?: string; region?: string; year?: number; status?: 'draft' | 'submitted' | 'county_approved' | 'approved'; belowPlan?: boolean }) => {
    await withDb(async (db) => {
      const items = await listEntries(systemCtx(db), { targetId: o.target, region: o.region, year: o.year, status: o.status, belowPlan: o.belowPlan });
      out.result({ items }, items.map((e) => `${e.targetId} ${e.regionCode} ${e.regionName ?? ''} ${e.year}：${e.value}${e.unit}（计划 ${e.planned}${e.unit}，${e.meetsPlan ? '达到' : '未达到'}）${e.status}`).join('\n') + `\n共 ${items.length} 条`);
    });
  });

report
  .command('progress')
  .description('导出目标进度 .xlsx：全部目标的计划值、实际值、红黄绿状态，及分县进度（各期间，来自预汇总指标）')
  .argument('<file>', '输出 .xlsx 文件')
  .option('--year <year>', '只列该年度的目标', (v) => Number(v))
  .option('--region <code>', '区划代码（12 位；默认兰州市）')
  .action(async (file: string, o: { year?: number; region?: string }) => {
    await withDb(async (db) => {
      const res = await exportProgress(systemCtx(db), path.resolve(file), o);
      out.result({ ok: true, file: path.resolve(file), ...res }, `已导出 ${res.targets} 项目标、${res.counties} 个县区的进度到 ${file}`);
    });
  });
report
  .command('incidence')
  .description('导出人口与贫困发生率 .xlsx：按乡镇、按村（来自预汇总指标）')
  .argument('<file>', '输出 .xlsx 文件')
  .option('--region <code>', '区划代码（12 位；默认兰州市）')
  .option('--period <p>', 'current（当前状态）或年度 YYYY（年末口径）', 'current')
  .action(async (file: string, o: { region?: string; period: string }) => {
    await withDb(async (db) => {
      const res = await exportIncidence(systemCtx(db), path.resolve(file), o);
      out.result({ ok: true, file: path.resolve(file), ...res }, `已导出 ${res.townships} 个乡镇、${res.villages} 个村到 ${file}`);
    });
  });

const plans = program.command('plans').description('帮扶计划（一户一策）');
plans
  .command('export')
  .description('导出帮扶计划 .xlsx：工作表「计划措施」每项措施一行，「计划」每户每年一行')
  .argument('<file>', '输出 .xlsx 文件')
  .option('--region <code>', '只导出该区划（12 位代码）及下级')
  .option('--year <year>', '只导出该年度', (v) => Number(v))
  .action(async (file: string, o: { region?: string; year?: number }) => {
    await withDb(async (db) => {
      const res = await exportPlans(systemCtx(db), path.resolve(file), { region: o.region, year: o.year });
      out.result({ ok: true, file: path.resolve(file), ...res }, `已导出 ${res.plans} 个计划、${res.measures} 项措施到 ${file}`);
    });
  });

program
  .command('calc')
  .description('政策计算器：tuopin calc NAME [--facts JSON | key=value …] [--as-of YYYY-MM-DD]，输出金额、依据条款和理由')
  .argument('<name>', 'trainingSubsidy, workshopAwards, incubationSubsidy, healthChain, healthTopUp, pensionContribution, dibaoCoverage, collectiveIncome')
  .argument('[facts...]', 'key=value（嵌套用点：income.wage=3000）')
  .option('--facts <json>', '事实（JSON 对象）')
  .option('--as-of <date>', '规则适用日期（默认今天）')
  .action((name: string, pairs: string[], o: { facts?: string; asOf?: string }) => {
    const res = runCalculator(name, parseFactArgs(pairs, o.facts), o.asOf);
    const d = res.decision as { amount?: number; eligible?: boolean; reasons: string[] };
    out.result(res, `${res.calculator.title}（${res.calculator.clause}，规则适用日期 ${res.asOf}）\n${d.reasons.map((r) => `  ${r}`).join('\n')}${d.amount !== undefined ? `\n金额：${d.amount} 元（${res.calculator.amount}）${d.eligible === false ? '，不符合条件' : ''}` : ''}`);
  });

// Review exit checks and monitoring (issue 5, part B) ------------------------------------------
const review = program.command('review').description('动态管理与退出');
review
  .command('exit-check')
  .description('退出核查：未脱贫和返贫户、每个村和县是否达到该年度退出条件，逐项给出理由（该年度没有扶贫标准时报错，不推算）')
  .requiredOption('--year <year>', '核查年度', (v) => Number(v))
  .option('--region <code>', '只核查该区划（12 位代码）及下级')
  .action(async (o: { year: number; region?: string }) => {
    await withDb(async (db) => {
      const res = await exitCheck(systemCtx(db), { year: o.year, region: o.region });
      const strip = <T extends { pass: boolean; reasons: string[] }>(x: T) => ({ pass: x.pass, reasons: x.reasons });
      const doc = {
        year: res.year,
        households: res.households.map((h) => ({ householdNumber: h.householdNumber, ...strip(h) })),
        villages: res.villages.map((v) => ({ code: v.code, name: v.name, ...strip(v) })),
        counties: res.counties.map((c) => ({ code: c.code, name: c.name, ...strip(c) })),
      };
      const count = (xs: { pass: boolean }[]) => `${xs.filter((x) => x.pass).length}/${xs.length} 达标`;
      out.result(doc, `${res.year}年退出核查：户 ${count(res.households)}，村 ${count(res.villages)}，县 ${count(res.counties)}\n` +
        res.counties.map((c) => `  ${c.name}（${c.code}）：${c.pass ? '达标' : '未达标'}；${c.reasons.join('；')}`).join('\n'));
    });
  });

const monitor = program.command('monitor').description('防返贫监测');
monitor
  .command('scan')
  .description('平台监测预警：按规则（收入低于监测线、大额医疗支出、新纳入低保特困、新增重度残疾、辍学、主要劳动力伤亡、灾害、核实属实的比对线索）扫描，重复执行不重复生成')
  .option('--year <year>', '收入年度（默认最近有收入数据的年度）', (v) => Number(v))
  .option('--as-of <date>', '扫描日期 YYYY-MM-DD（默认今天）')
  .option('--since <date>', '“新增”事实的起算日期（默认扫描日期上一年的1月1日）')
  .action(async (o: { year?: number; asOf?: string; since?: string }) => {
    await withDb(async (db) => {
      const res = await runScan(systemCtx(db), { year: o.year, asOf: o.asOf, since: o.since });
      out.result(res, `${res.year}年监测扫描（${res.asOf}）：覆盖 ${res.households} 户，新预警 ${res.newWarnings} 条，再次发现 ${res.seenWarnings} 条，未处置 ${res.openWarnings} 条，逾期 ${res.overdue} 条，用时 ${res.seconds} 秒\n` +
        res.warnings.map((w) => `  ${w.rule}：新 ${w.new}，再次 ${w.seen}`).join('\n') +
        (res.skipped.length ? '\n未执行：\n' + res.skipped.map((s) => `  ${s.rule}：${s.reason}`).join('\n') : ''));
    });
  });

const auditCmd = program.command('audit').description('审计日志');
auditCmd
  .command('verify')
  .description('校验审计日志的哈希链：发现被修改、插入或删除的记录')
  .action(async () => {
    await withDb(async (db) => {
      const res = await verifyAudit(db);
      if (!res.ok) {
        throw new Rejected({ ...res }, `审计日志校验失败（${res.rows} 条）：\n${res.problems.map((p) => `  #${p.seq} ${p.code}: ${p.message}`).join('\n')}`);
      }
      out.result(res, `审计日志完整：${res.rows} 条记录，哈希链无断裂`);
    });
  });

program.parseAsync(['node', 'tuopin', ...lifted.argv]).then(
  () => {
    if (process.exitCode === undefined) process.exitCode = EXIT_OK;
  },
  (e: unknown) => {
    process.exitCode = reportError(out, e) ?? EXIT_FAILURE;
  },
);

import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { systemCtx } from '../src/core/context.js';
import type { Db } from '../src/core/db.js';
import { makeIdNumber } from '../src/domain/idnumber.js';
import { importRegistry } from '../src/modules/registry/import.js';
import { V1 } from './support/factories.js';
import { sampleHousehold, writeXlsx, type Sheet } from './support/files.js';

/** Registered people for the comparison tests: each is the head of a one-person household. */
export interface Person {
  name: string;
  id: string;
  householdNumber: string;
  village: string;
}

let seq = 0;
export function person(birth: string, opts: { village?: string; health?: string; grade?: string; dibao?: '是' | '否'; name?: string; endsWithX?: boolean } = {}): Person & { opts: typeof opts } {
  const village = opts.village ?? V1;
  let id: string;
  do {
    seq++;
    id = makeIdNumber(village.slice(0, 6), birth, 100 + (seq % 899));
  } while (opts.endsWithX && !id.endsWith('X'));
  return { name: opts.name ?? `比对${seq}`, id, householdNumber: `CMP${String(seq).padStart(5, '0')}`, village, opts };
}

/** Someone who is not in the registry. */
export function outsider(birth = '19800101', county = '620123'): { name: string; id: string } {
  seq++;
  return { name: `外部${seq}`, id: makeIdNumber(county, birth, 100 + (seq % 899)) };
}

export async function register(db: Db, dir: string, people: (Person & { opts: { health?: string; grade?: string; dibao?: '是' | '否' } })[]): Promise<void> {
  const hs: Sheet = [];
  const ms: Sheet = [];
  for (const p of people) {
    const s = sampleHousehold(p.householdNumber, p.village, 1);
    hs.push(s.household);
    const m = s.members[0]!;
    m['姓名'] = p.name;
    m['证件号码'] = p.id;
    m['在校生状况'] = '非在校生';
    m['文化程度'] = '小学';
    if (p.opts.health) m['健康状况'] = p.opts.health;
    if (p.opts.grade) m['残疾等级'] = p.opts.grade;
    if (p.opts.dibao) m['是否享受低保'] = p.opts.dibao;
    ms.push(m);
  }
  const file = await writeXlsx(path.join(dir, `registry-${Date.now()}-${seq}.xlsx`), hs, ms);
  const r = await importRegistry(systemCtx(db), { kind: 'xlsx', path: file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 5)));
}

export type Rows = (string | number | null)[][];

export function writeCsv(file: string, header: string[], rows: Rows, encoding: 'utf8' | 'utf8-bom' | 'gb18030' = 'utf8-bom'): string {
  const q = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const text = [header.map(q).join(','), ...rows.map((r) => r.map(q).join(','))].join('\r\n') + '\r\n';
  fs.writeFileSync(file, encoding === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from((encoding === 'utf8-bom' ? '\ufeff' : '') + text, 'utf8'));
  return file;
}

/** An .xlsx whose first sheet (any name) holds the table; numbers stay numbers as an office suite writes them. */
export async function writeSheet(file: string, header: string[], rows: Rows, sheetName = '数据', edit?: (ws: ExcelJS.Worksheet) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  edit?.(ws);
  wb.addWorksheet('说明').addRow(['第二个工作表不读']);
  await wb.xlsx.writeFile(file);
  return file;
}

import fs from 'node:fs';
import { AutoDecoder, CsvParser } from '../modules/registry/workbook/csv-reader.js';
import type { RegionImportRow } from '../modules/regions/service.js';

export interface RegionsCsvError {
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

/** Decodes with the registry's CSV layer (UTF-8 with or without BOM, or GB18030) and parses RFC 4180. */
function parseRecords(buf: Buffer): string[][] {
  const records: string[][] = [];
  const parser = new CsvParser(2000, 50, (n, cells) => {
    const rec: string[] = [];
    for (const c of cells) rec[c.col - 1] = c.text;
    records[n - 1] = Array.from(rec, (x) => x ?? '');
  }, () => undefined);
  const decoder = new AutoDecoder();
  parser.write(decoder.write(buf));
  parser.write(decoder.end());
  parser.end();
  return Array.from(records, (r) => r ?? []);
}

const MAX_BYTES = 20 * 1024 * 1024;

/** `tuopin regions import FILE.csv`: columns 区划代码, 名称, optional 是否贫困村. */
export async function readRegionsCsv(path: string): Promise<{ ok: true; rows: RegionImportRow[] } | { ok: false; errors: RegionsCsvError[] }> {
  let buf: Buffer;
  try {
    const st = await fs.promises.stat(path);
    if (st.size > MAX_BYTES) return { ok: false, errors: [{ row: null, column: null, value: null, code: 'FILE_TOO_LARGE', message: '区划文件超过 20 MB' }] };
    buf = await fs.promises.readFile(path);
  } catch {
    return { ok: false, errors: [{ row: null, column: null, value: path, code: 'FILE_NOT_FOUND', message: `无法读取文件：${path}` }] };
  }
  if (buf.length === 0) return { ok: false, errors: [{ row: null, column: null, value: null, code: 'EMPTY_FILE', message: '文件为空' }] };
  if (buf[0] === 0x50 && buf[1] === 0x4b) return { ok: false, errors: [{ row: null, column: null, value: null, code: 'NOT_CSV', message: '这是 .xlsx 文件，请另存为 CSV（UTF-8）后再导入' }] };
  let records: string[][];
  try {
    records = parseRecords(buf);
  } catch {
    return { ok: false, errors: [{ row: null, column: null, value: null, code: 'ENCODING', message: '文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV' }] };
  }
  const header = (records[0] ?? []).map((h) => h.trim().replace(/^\*|\*$/g, ''));
  const idx = (name: string) => header.indexOf(name);
  const errors: RegionsCsvError[] = [];
  for (const required of ['区划代码', '名称']) {
    if (idx(required) < 0) errors.push({ row: 1, column: required, value: null, code: 'MISSING_COLUMN', message: `缺少列「${required}」` });
  }
  if (errors.length) return { ok: false, errors };
  const rows: RegionImportRow[] = [];
  records.slice(1).forEach((rec, i) => {
    if (rec.every((c) => c.trim() === '')) return;
    const get = (name: string) => (idx(name) >= 0 ? (rec[idx(name)] ?? '') : '');
    rows.push({ row: i + 2, code: get('区划代码'), name: get('名称'), poorVillage: idx('是否贫困村') >= 0 ? get('是否贫困村') : undefined });
  });
  if (!rows.length) return { ok: false, errors: [{ row: null, column: null, value: null, code: 'NO_ROWS', message: '文件没有数据行' }] };
  return { ok: true, rows };
}

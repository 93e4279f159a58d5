import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import { NotFoundError } from '../../core/errors.js';
import { DICTIONARIES } from '../../domain/dictionaries.js';
import { assertCan } from '../access/policy.js';
import { HOUSEHOLD_FIELDS, MEMBER_FIELDS } from './fields.js';
import type { ImportError } from './import.js';
import { writeTableWorkbook, writeTemplate } from './workbook/writer.js';

/**
 * The import page's downloads: the empty template (DOMAIN.md's two sheets with their headers,
 * drop-down lists from the dictionaries, a 填写说明 sheet), and the error list of a rejected
 * import or dry run as a workbook.
 */

/** The template with each dictionary column's allowed values (and 是/否 columns) as lists. */
export async function writeImportTemplate(file: string): Promise<void> {
  const lists: Record<string, string[]> = {};
  for (const f of [...HOUSEHOLD_FIELDS, ...MEMBER_FIELDS]) {
    if (!f.column) continue;
    if (f.type.kind === 'dict' || f.type.kind === 'dictList') lists[f.column] = DICTIONARIES[f.type.dict].entries.map((e) => e.label);
    else if (f.type.kind === 'yesNo') lists[f.column] = ['是', '否'];
  }
  await writeTemplate(file, lists);
}

/** A rejected import (or dry run) of the caller's own, with its error list; others get 404. */
export async function importErrors(ctx: Ctx, batchId: string): Promise<{ fileName: string; errors: ImportError[] }> {
  assertCan(ctx.actor, 'registry.import');
  if (!/^[0-9a-f-]{36}$/i.test(batchId)) throw new NotFoundError();
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ file_name: string; errors: ImportError[] | null }>(
      `SELECT file_name, errors FROM import_batches WHERE id = $1 AND user_id IS NOT DISTINCT FROM $2 AND status = 'rejected'`, [batchId, ctx.actor.id],
    );
    const b = rows[0];
    if (!b) throw new NotFoundError();
    const errors = b.errors ?? [];
    // The values are the caller's own file's cells (ID numbers among them): the download is logged.
    await audit(tx, ctx.actor, ctx.requestId, { action: 'registry.import_errors_download', targetType: 'import_batch', targetId: batchId, details: { errors: errors.length } });
    return { fileName: b.file_name, errors };
  });
}

export async function writeImportErrors(file: string, errors: ImportError[]): Promise<number> {
  return writeTableWorkbook(file, '导入错误', [
    { name: '工作表', width: 12 }, { name: '行号', width: 8 }, { name: '列名', width: 22 }, { name: '值', width: 28 },
    { name: '原因', width: 60 }, { name: '错误代码', width: 24 },
  ], errors.map((e) => [e.sheet, e.row, e.column, e.value, e.message, e.code]));
}

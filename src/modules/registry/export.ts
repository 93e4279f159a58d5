import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import { maskAccount, maskIdNumber, maskPhone } from '../../domain/mask.js';
import { assertCan } from '../access/policy.js';
import { searchWhere, type SearchQuery } from './service.js';
import { writeRegistryWorkbook } from './workbook/writer.js';

/**
 * Export of the registry workbook (the same contract as the import, so an export re-imports).
 * ID numbers, phones and bank accounts are masked unless `unmasked`, which needs the
 * pii.unmask permission and is audited. Streams in pages: memory does not grow with the set.
 */

export interface ExportOptions extends Omit<SearchQuery, 'page' | 'pageSize' | 'sort' | 'order'> {
  unmasked?: boolean;
  pageSize?: number;
}

const yn = (b: unknown) => (b === true ? '是' : b === false ? '否' : '');

export async function exportRegistry(ctx: Ctx, path: string, opts: ExportOptions = {}): Promise<{ households: number; members: number; masked: boolean }> {
  assertCan(ctx.actor, 'registry.export');
  if (opts.unmasked) assertCan(ctx.actor, 'pii.unmask');
  const masked = !opts.unmasked;
  const pageSize = opts.pageSize ?? 5000;
  const params: unknown[] = [];
  const where = searchWhere(ctx, { ...opts, includeRemoved: opts.includeRemoved ?? false }, params);

  async function* households(): AsyncGenerator<Record<string, string | number | null>> {
    let after = '';
    for (;;) {
      const p = [...params, after, pageSize];
      const rows = await ctx.db.query<Record<string, unknown>>(
        `SELECT h.*, inc.year AS inc_year, inc.wage, inc.business, inc.property, inc.transfer, inc.business_cost
           FROM households h
           LEFT JOIN LATERAL (SELECT * FROM household_incomes i WHERE i.county_code = h.county_code AND i.household_id = h.id ORDER BY i.year DESC LIMIT 1) inc ON TRUE
          WHERE ${where} AND h.household_number > $${p.length - 1}
          ORDER BY h.household_number LIMIT $${p.length}`, p,
      );
      for (const h of rows) {
        yield {
          户编号: h.household_number as string,
          行政区划代码: h.village_code as string,
          自然村: (h.natural_village as string) ?? null,
          贫困户属性: h.category as string,
          识别标准: (h.identification_standard as string) ?? null,
          识别年度: h.identification_year as number,
          脱贫属性: h.poverty_status as string,
          脱贫年度: (h.exit_year as number) ?? null,
          主要致贫原因: h.main_cause as string,
          其他致贫原因: ((h.other_causes as string[]) ?? []).join('、'),
          是否危房户: yn(h.dangerous_house),
          是否解决安全饮水: yn(h.safe_water),
          收入年度: (h.inc_year as number) ?? null,
          工资性收入: (h.wage as number) ?? null,
          生产经营性收入: (h.business as number) ?? null,
          财产性收入: (h.property as number) ?? null,
          转移性收入: (h.transfer as number) ?? null,
          生产经营性支出: (h.business_cost as number) ?? null,
          联系电话: h.phone ? (masked ? maskPhone(h.phone as string) : (h.phone as string)) : null,
          开户银行: (h.bank_name as string) ?? null,
          银行账号: h.bank_account ? (masked ? maskAccount(h.bank_account as string) : (h.bank_account as string)) : null,
        };
      }
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.household_number as string;
    }
  }

  async function* members(): AsyncGenerator<Record<string, string | number | null>> {
    let after = '';
    for (;;) {
      const p = [...params, after, pageSize];
      const hs = await ctx.db.query<{ household_number: string; county_code: string; id: string }>(
        `SELECT h.household_number, h.county_code, h.id FROM households h
          WHERE ${where} AND h.household_number > $${p.length - 1} ORDER BY h.household_number LIMIT $${p.length}`, p,
      );
      if (hs.length === 0) return;
      const rows = await ctx.db.query<Record<string, unknown>>(
        `SELECT m.*, hh.household_number FROM members m
           JOIN households hh ON hh.county_code = m.county_code AND hh.id = m.household_id
          WHERE (m.county_code, m.household_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))
            AND m.left_at IS NULL
          ORDER BY hh.household_number, (m.relation = '户主') DESC, m.birth_date`,
        [hs.map((h) => h.county_code), hs.map((h) => h.id)],
      );
      for (const m of rows) {
        yield {
          户编号: m.household_number as string,
          姓名: m.name as string,
          证件号码: masked ? maskIdNumber(m.id_number as string) : (m.id_number as string),
          与户主关系: m.relation as string,
          民族: (m.ethnicity as string) ?? null,
          文化程度: (m.education as string) ?? null,
          在校生状况: (m.school_status as string) ?? null,
          健康状况: (m.health as string) ?? null,
          残疾等级: (m.disability_grade as string) ?? null,
          劳动技能: (m.labour_skill as string) ?? null,
          务工情况: (m.work_status as string) ?? null,
          '务工时间（月）': (m.work_months as number) ?? null,
          是否参加城乡居民基本医疗保险: yn(m.medical_insurance),
          是否参加大病保险: yn(m.serious_illness_insurance),
          是否参加城乡居民基本养老保险: yn(m.pension_insurance),
          是否享受低保: yn(m.dibao),
          是否特困供养人员: yn(m.tekun),
        };
      }
      if (hs.length < pageSize) return;
      after = hs[hs.length - 1]!.household_number;
    }
  }

  const counts = await writeRegistryWorkbook(path, households(), members());
  await ctx.db.transaction((tx) =>
    audit(tx, ctx.actor, ctx.requestId, {
      action: masked ? 'registry.export' : 'registry.export_unmasked',
      details: { households: counts.households, members: counts.members, masked, filter: { ...opts, unmasked: undefined } },
    }),
  );
  return { ...counts, masked };
}

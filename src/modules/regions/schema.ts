import { boolean, date, index, integer, pgTable, primaryKey, text, varchar } from 'drizzle-orm/pg-core';

/**
 * 行政区划: province → city → county → township → village, all as 12-digit codes. A reference
 * table. A region carries effective dates; a re-coded region points at its successor, and
 * households keep their history through their change events.
 */
export const regions = pgTable(
  'regions',
  {
    code: varchar('code', { length: 12 }).primaryKey(),
    name: text('name').notNull(),
    level: text('level').notNull(),
    parentCode: varchar('parent_code', { length: 12 }),
    poorCounty: boolean('poor_county').notNull().default(false),
    poorVillage: boolean('poor_village').notNull().default(false),
    synthetic: boolean('synthetic').notNull().default(false),
    effectiveFrom: date('effective_from').notNull(),
    effectiveTo: date('effective_to'),
    successorCode: varchar('successor_code', { length: 12 }),
    source: text('source').notNull(),
  },
  (t) => [index('regions_parent_idx').on(t.parentCode), index('regions_level_idx').on(t.level)],
);

/**
 * Rural registered population (农村户籍人口) per region and year: the denominator of 贫困发生率.
 * Entered per village (or higher, when only a total is known); demo data fills synthetic values.
 */
export const regionPopulations = pgTable(
  'region_populations',
  {
    code: varchar('code', { length: 12 }).notNull(),
    year: integer('year').notNull(),
    ruralPopulation: integer('rural_population').notNull(),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.code, t.year] })],
);

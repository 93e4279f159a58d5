import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Core tables: the audit log and the code-table dictionaries. Both are reference tables (not
 * distributed by county), see core/distribution.ts.
 */

/** Append-only and hash-chained: each row's hash covers its content and the previous hash. */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    userId: uuid('user_id'),
    username: text('username'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    countyCode: text('county_code'),
    requestId: text('request_id'),
    details: jsonb('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_target_idx').on(t.targetType, t.targetId), index('audit_log_at_idx').on(t.at)],
);

/** Versioned code tables (致贫原因, 与户主关系 …). The registry validates against these. */
export const dictionaries = pgTable(
  'dictionaries',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    title: text('title').notNull(),
    effectiveFrom: date('effective_from').notNull(),
    effectiveTo: date('effective_to'),
    source: text('source').notNull(),
    entries: jsonb('entries').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

/** Long-running work (imports, exports, demo loads): progress is kept here on both engines. */
export const jobs = pgTable('jobs', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(),
  status: text('status').notNull(),
  userId: uuid('user_id'),
  total: integer('total'),
  done: integer('done').notNull().default(0),
  result: jsonb('result'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

-- Comparison findings are found by their primary key (county_code, id): a route that names a
-- finding by id probes the counties (access/county-probe.ts). The index on id alone, and the one on
-- village_code (the scoped lists go by the route expression, which it does not serve), cost every
-- finding a comparison inserts; the monitoring scan's read of confirmed risk findings by village
-- gets a partial index that new (open) findings do not enter.
DROP INDEX IF EXISTS "comparison_findings_id_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "comparison_findings_village_idx";--> statement-breakpoint
CREATE INDEX "comparison_findings_risk_village_idx" ON "comparison_findings" USING btree ("village_code") WHERE status = 'confirmed' AND opens = 'monitoring-warning';

-- The index on (county_code, status, kind) served no query: the scoped lists, the summary and
-- the close of a comparison go by the route expression (ROUTE_SQL), not by county_code; it cost
-- about a tenth of a comparison's insert of its findings. "Open now" for all pending findings
-- reads the confirmed ones waiting for a review cycle, which a partial index finds; a new (open)
-- finding does not enter it.
DROP INDEX IF EXISTS "comparison_findings_status_idx";--> statement-breakpoint
CREATE INDEX "comparison_findings_pending_idx" ON "comparison_findings" USING btree ("verified_at","id") WHERE open_state = 'pending';

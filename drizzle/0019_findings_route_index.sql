-- The region a finding is routed to (ROUTE_SQL in compare.ts): the findings lists and counts of a
-- village or township read theirs through this index instead of scanning every finding (0.8 s
-- for one village's count with 2M findings in the table). Every finding a comparison inserts
-- enters it.
CREATE INDEX "comparison_findings_route_idx" ON "comparison_findings" USING btree (COALESCE("village_code", CASE WHEN "county_code" = '000000' THEN '620100000000' ELSE "county_code" || '000000' END));
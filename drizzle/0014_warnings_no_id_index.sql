-- Warnings are found by their primary key (county_code, id): a route that names a warning by id
-- probes the counties of the caller's scope (monitoring/service.ts warningCounties). The index on
-- id alone cost the monitoring scan ~0.1 s of its ~75k first-scan inserts.
DROP INDEX IF EXISTS "monitoring_warnings_id_idx";

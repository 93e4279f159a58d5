-- The scan inserts every new warning into each index of monitoring_warnings (~75k on a first run
-- over 1M members); this one cost ~0.1 s of it. The warnings list finds a village's warnings
-- through its households (households' village index, then the unique key by household).
DROP INDEX IF EXISTS "monitoring_warnings_village_idx";

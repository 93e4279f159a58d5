-- Indexes no query uses, each rebuilt on every bulk import and maintained on every write:
-- (county_code, household_number) twice over (households_number_uq is the same key), and the
-- members' name indexes: the list searches names through households.member_names, and nothing
-- looks a member up by name (pg_trgm makes no trigrams from Chinese under PGlite's C locale).
DROP INDEX IF EXISTS "households_list_county_number_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "members_name_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "members_name_trgm_idx";

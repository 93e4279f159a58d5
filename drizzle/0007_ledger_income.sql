ALTER TABLE "household_incomes" ADD COLUMN "ledger_income" numeric(14, 2) DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written: carry what the 享受政策 ledger already added (income_benefit_totals) into ledger_income, so the registry's one writer keeps it.
UPDATE "household_incomes" i SET "ledger_income" = t."wage" + t."business" + t."property" + t."transfer" FROM "income_benefit_totals" t WHERE t."county_code" = i."county_code" AND t."household_id" = i."household_id" AND t."year" = i."year";
--> statement-breakpoint
-- Hand-written: rows a registry edit left without the ledger (the old "stale") get the one rule's figure.
UPDATE "household_incomes" SET "per_capita_net" = CASE WHEN "household_size" > 0 THEN round(("wage" + "business" + "property" + "transfer" - "business_cost" + "ledger_income") / "household_size", 2) END WHERE "ledger_income" <> 0;
--> statement-breakpoint
-- Hand-written: the household list's stored latest-year figure (0006) follows those recomputed rows.
UPDATE "households" h SET "income_year" = i."year", "per_capita_net" = i."per_capita_net"
  FROM (SELECT DISTINCT ON ("county_code", "household_id") "county_code", "household_id", "year", "per_capita_net"
          FROM "household_incomes" ORDER BY "county_code", "household_id", "year" DESC) i
 WHERE i."county_code" = h."county_code" AND i."household_id" = h."id"
   AND (h."per_capita_net" IS DISTINCT FROM i."per_capita_net" OR h."income_year" IS DISTINCT FROM i."year");

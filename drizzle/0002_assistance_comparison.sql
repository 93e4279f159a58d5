CREATE TABLE "assistance_events" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid,
	"village_code" varchar(12),
	"entity" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"plan_id" uuid,
	"action" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"user_id" uuid,
	"username" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text,
	"request_id" text,
	CONSTRAINT "assistance_events_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "assistance_plans" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"income_target" numeric(14, 2),
	"close_dimensions" text[] DEFAULT '{}'::text[] NOT NULL,
	"responsible_cadre_id" uuid,
	"notes" text,
	"copied_from_id" uuid,
	"approved_at" timestamp with time zone,
	"approved_by" uuid,
	"approved_by_name" text,
	"approval_comment" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	CONSTRAINT "assistance_plans_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "assistance_plans_year_uq" UNIQUE("county_code","household_id","year")
);
--> statement-breakpoint
CREATE TABLE "benefits" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid,
	"measure_code" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"paid_on" date NOT NULL,
	"year" integer NOT NULL,
	"department" text NOT NULL,
	"note" text,
	"included_in_declared" boolean DEFAULT false NOT NULL,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	CONSTRAINT "benefits_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "cadres" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"title" text,
	"phone" text,
	"user_id" uuid,
	"region_code" varchar(12) NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "income_benefit_totals" (
	"county_code" varchar(6) NOT NULL,
	"household_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"wage" numeric(14, 2) DEFAULT 0 NOT NULL,
	"public_welfare_wage" numeric(14, 2) DEFAULT 0 NOT NULL,
	"business" numeric(14, 2) DEFAULT 0 NOT NULL,
	"property" numeric(14, 2) DEFAULT 0 NOT NULL,
	"dividend" numeric(14, 2) DEFAULT 0 NOT NULL,
	"transfer" numeric(14, 2) DEFAULT 0 NOT NULL,
	"dibao" numeric(14, 2) DEFAULT 0 NOT NULL,
	"tekun" numeric(14, 2) DEFAULT 0 NOT NULL,
	"pension" numeric(14, 2) DEFAULT 0 NOT NULL,
	"eco_comp" numeric(14, 2) DEFAULT 0 NOT NULL,
	"other_transfer" numeric(14, 2) DEFAULT 0 NOT NULL,
	"not_income" numeric(14, 2) DEFAULT 0 NOT NULL,
	"already_declared" numeric(14, 2) DEFAULT 0 NOT NULL,
	"household_size" integer NOT NULL,
	"declared_per_capita_net" numeric(14, 2),
	"per_capita_net" numeric(14, 2),
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "income_benefit_totals_county_code_household_id_year_pk" PRIMARY KEY("county_code","household_id","year")
);
--> statement-breakpoint
CREATE TABLE "lianbuchou_assessments" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"period" text NOT NULL,
	"checked_on" date NOT NULL,
	"checked_by" uuid,
	"checked_by_name" text NOT NULL,
	"food_status" text NOT NULL,
	"clothing_status" text NOT NULL,
	"education_status" text NOT NULL,
	"medical_status" text NOT NULL,
	"housing_status" text NOT NULL,
	"water_status" text NOT NULL,
	"secure" boolean NOT NULL,
	"dimensions" jsonb NOT NULL,
	"facts" jsonb NOT NULL,
	"rule" jsonb NOT NULL,
	"plan_id" uuid,
	"proposed_measure_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lianbuchou_assessments_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "lianbuchou_period_uq" UNIQUE("county_code","household_id","period")
);
--> statement-breakpoint
CREATE TABLE "pairings" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"cadre_id" uuid NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date,
	"end_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pairings_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "plan_measures" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"measure_code" text NOT NULL,
	"description" text,
	"member_id" uuid,
	"funding" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"amount_total" numeric(14, 2) DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"gap_code" text,
	"copied_from_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_measures_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "village_team_members" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"cadre_id" uuid NOT NULL,
	"role" text NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "village_team_members_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "comparison_datasets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"year" integer,
	"purpose" text NOT NULL,
	"authorisation" text NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"uploaded_by" uuid,
	"uploader" text NOT NULL,
	"scope_code" varchar(12) NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rows_total" integer DEFAULT 0 NOT NULL,
	"rows_accepted" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"rows_matched" integer DEFAULT 0 NOT NULL,
	"findings_new" integer DEFAULT 0 NOT NULL,
	"findings_seen" integer DEFAULT 0 NOT NULL,
	"findings_closed" integer DEFAULT 0 NOT NULL,
	"rejected" jsonb NOT NULL,
	"issues" jsonb NOT NULL,
	"columns" jsonb NOT NULL,
	"summary" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "comparison_findings" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"rule_key" text NOT NULL,
	"year" integer,
	"id_number" varchar(18) NOT NULL,
	"name" text,
	"household_id" uuid,
	"household_number" text,
	"member_id" uuid,
	"village_code" varchar(12),
	"rule" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opens" text NOT NULL,
	"verified_by" uuid,
	"verified_by_name" text,
	"verified_at" timestamp with time zone,
	"reason" text,
	"dataset_id" uuid NOT NULL,
	"first_dataset_id" uuid NOT NULL,
	"last_dataset_id" uuid NOT NULL,
	"closed_by_dataset_id" uuid,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "comparison_findings_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "comparison_findings_key_uq" UNIQUE("county_code","code","id_number","rule_key")
);
--> statement-breakpoint
CREATE TABLE "comparison_rule_params" (
	"rule_id" text NOT NULL,
	"effective_from" date NOT NULL,
	"params" jsonb NOT NULL,
	"source" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "comparison_rule_params_rule_id_effective_from_pk" PRIMARY KEY("rule_id","effective_from")
);
--> statement-breakpoint
CREATE INDEX "assistance_events_household_idx" ON "assistance_events" USING btree ("county_code","household_id","at");--> statement-breakpoint
CREATE INDEX "assistance_events_plan_idx" ON "assistance_events" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "assistance_plans_id_idx" ON "assistance_plans" USING btree ("id");--> statement-breakpoint
CREATE INDEX "assistance_plans_year_idx" ON "assistance_plans" USING btree ("county_code","year");--> statement-breakpoint
CREATE INDEX "benefits_household_idx" ON "benefits" USING btree ("county_code","household_id","year");--> statement-breakpoint
CREATE INDEX "benefits_id_idx" ON "benefits" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "cadres_user_uq" ON "cadres" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "cadres_region_idx" ON "cadres" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "lianbuchou_id_idx" ON "lianbuchou_assessments" USING btree ("id");--> statement-breakpoint
CREATE INDEX "pairings_household_idx" ON "pairings" USING btree ("county_code","household_id");--> statement-breakpoint
CREATE INDEX "pairings_cadre_idx" ON "pairings" USING btree ("cadre_id");--> statement-breakpoint
CREATE INDEX "pairings_id_idx" ON "pairings" USING btree ("id");--> statement-breakpoint
CREATE INDEX "plan_measures_plan_idx" ON "plan_measures" USING btree ("county_code","plan_id");--> statement-breakpoint
CREATE INDEX "plan_measures_id_idx" ON "plan_measures" USING btree ("id");--> statement-breakpoint
CREATE INDEX "village_team_village_idx" ON "village_team_members" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "village_team_cadre_idx" ON "village_team_members" USING btree ("cadre_id");--> statement-breakpoint
CREATE INDEX "comparison_datasets_kind_idx" ON "comparison_datasets" USING btree ("kind","uploaded_at");--> statement-breakpoint
CREATE INDEX "comparison_findings_id_idx" ON "comparison_findings" USING btree ("id");--> statement-breakpoint
CREATE INDEX "comparison_findings_status_idx" ON "comparison_findings" USING btree ("county_code","status","kind");--> statement-breakpoint
CREATE INDEX "comparison_findings_village_idx" ON "comparison_findings" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "comparison_findings_last_idx" ON "comparison_findings" USING btree ("last_dataset_id");--> statement-breakpoint
CREATE INDEX "households_village_active_idx" ON "households" USING btree ("village_code") WHERE poverty_status <> '已剔除';--> statement-breakpoint
CREATE INDEX "households_number_idx" ON "households" USING btree ("household_number");--> statement-breakpoint
CREATE INDEX "households_updated_idx" ON "households" USING btree ("updated_at","household_number");
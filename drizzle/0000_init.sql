CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"user_id" uuid,
	"username" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"county_code" text,
	"request_id" text,
	"details" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dictionaries" (
	"name" text NOT NULL,
	"version" text NOT NULL,
	"title" text NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"source" text NOT NULL,
	"entries" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dictionaries_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"user_id" uuid,
	"total" integer,
	"done" integer DEFAULT 0 NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"password_hash" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "region_populations" (
	"code" varchar(12) NOT NULL,
	"year" integer NOT NULL,
	"rural_population" integer NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "region_populations_code_year_pk" PRIMARY KEY("code","year")
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" varchar(12) PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"parent_code" varchar(12),
	"poor_county" boolean DEFAULT false NOT NULL,
	"poor_village" boolean DEFAULT false NOT NULL,
	"synthetic" boolean DEFAULT false NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"successor_code" varchar(12),
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_events" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid,
	"entity" text NOT NULL,
	"action" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"user_id" uuid,
	"username" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL,
	"reason" text,
	"request_id" text,
	CONSTRAINT "change_events_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "household_incomes" (
	"county_code" varchar(6) NOT NULL,
	"household_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"wage" numeric(14, 2) DEFAULT 0 NOT NULL,
	"public_welfare_wage" numeric(14, 2),
	"business" numeric(14, 2) DEFAULT 0 NOT NULL,
	"property" numeric(14, 2) DEFAULT 0 NOT NULL,
	"dividend" numeric(14, 2),
	"transfer" numeric(14, 2) DEFAULT 0 NOT NULL,
	"dibao" numeric(14, 2),
	"tekun" numeric(14, 2),
	"pension" numeric(14, 2),
	"eco_comp" numeric(14, 2),
	"other_transfer" numeric(14, 2),
	"business_cost" numeric(14, 2) DEFAULT 0 NOT NULL,
	"household_size" integer NOT NULL,
	"per_capita_net" numeric(14, 2),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "household_incomes_county_code_household_id_year_pk" PRIMARY KEY("county_code","household_id","year")
);
--> statement-breakpoint
CREATE TABLE "household_keys" (
	"household_number" text PRIMARY KEY NOT NULL,
	"county_code" varchar(6) NOT NULL,
	"household_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "households" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_number" text NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"natural_village" text,
	"category" text NOT NULL,
	"identification_standard" text,
	"identification_year" integer NOT NULL,
	"poverty_status" text NOT NULL,
	"exit_year" integer,
	"main_cause" text NOT NULL,
	"other_causes" text[] DEFAULT '{}'::text[] NOT NULL,
	"dangerous_house" boolean,
	"safe_water" boolean,
	"military_family" boolean,
	"relocated" boolean,
	"relocation_site" text,
	"cultivated_land" numeric(10, 2),
	"irrigated_land" numeric(10, 2),
	"forest_land" numeric(10, 2),
	"pasture_land" numeric(10, 2),
	"phone" text,
	"bank_name" text,
	"bank_account" text,
	"monitoring_category" text,
	"monitoring_identified_at" date,
	"monitoring_eliminated_at" date,
	"removed_reason" text,
	"removed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	CONSTRAINT "households_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "households_number_uq" UNIQUE("county_code","household_number")
);
--> statement-breakpoint
CREATE TABLE "import_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"user_id" uuid,
	"username" text,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"households" integer DEFAULT 0 NOT NULL,
	"members" integer DEFAULT 0 NOT NULL,
	"errors" jsonb,
	"warnings" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "members" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"name" text NOT NULL,
	"id_number" varchar(18) NOT NULL,
	"sex" text NOT NULL,
	"birth_date" date NOT NULL,
	"relation" text NOT NULL,
	"ethnicity" text,
	"education" text,
	"school_status" text,
	"health" text,
	"disability_grade" text,
	"labour_skill" text,
	"work_status" text,
	"work_months" integer,
	"medical_insurance" boolean,
	"serious_illness_insurance" boolean,
	"pension_insurance" boolean,
	"dibao" boolean,
	"tekun" boolean,
	"active_military" boolean,
	"left_at" timestamp with time zone,
	"left_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "person_keys" (
	"id_number" varchar(18) PRIMARY KEY NOT NULL,
	"county_code" varchar(6) NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "regions_parent_idx" ON "regions" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "regions_level_idx" ON "regions" USING btree ("level");--> statement-breakpoint
CREATE INDEX "change_events_household_idx" ON "change_events" USING btree ("county_code","household_id","at");--> statement-breakpoint
CREATE INDEX "households_id_idx" ON "households" USING btree ("id");--> statement-breakpoint
CREATE INDEX "households_village_idx" ON "households" USING btree ("village_code");--> statement-breakpoint
CREATE INDEX "households_status_idx" ON "households" USING btree ("county_code","poverty_status");--> statement-breakpoint
CREATE INDEX "members_id_idx" ON "members" USING btree ("id");--> statement-breakpoint
CREATE INDEX "members_household_idx" ON "members" USING btree ("county_code","household_id");--> statement-breakpoint
CREATE INDEX "members_id_number_idx" ON "members" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "members_name_idx" ON "members" USING btree ("name");
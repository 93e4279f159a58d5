CREATE TABLE "dispatch_groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"lead" text NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispatch_groups_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "dispatch_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"held_on" date NOT NULL,
	"period" text NOT NULL,
	"chair" text NOT NULL,
	"summary" text NOT NULL,
	"reported_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispatch_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"group_id" uuid,
	"region_code" varchar(12) NOT NULL,
	"title" text NOT NULL,
	"owner" text NOT NULL,
	"deadline" date NOT NULL,
	"target_id" text,
	"done_on" date,
	"done_note" text,
	"created_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicators" (
	"region_code" varchar(12) NOT NULL,
	"period" text NOT NULL,
	"level" text NOT NULL,
	"parent_code" varchar(12),
	"households" integer NOT NULL,
	"people" integer NOT NULL,
	"poor_households" integer NOT NULL,
	"poor_people" integer NOT NULL,
	"exited_households" integer NOT NULL,
	"exited_people" integer NOT NULL,
	"rural_population" integer,
	"incidence" double precision,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "indicators_region_code_period_pk" PRIMARY KEY("region_code","period")
);
--> statement-breakpoint
CREATE TABLE "target_values" (
	"id" uuid PRIMARY KEY NOT NULL,
	"target_id" text NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"year" integer NOT NULL,
	"value" numeric(16, 4) NOT NULL,
	"note" text,
	"status" text NOT NULL,
	"return_reason" text,
	"entered_by" text NOT NULL,
	"submitted_by" text,
	"submitted_at" timestamp with time zone,
	"county_approved_by" text,
	"county_approved_at" timestamp with time zone,
	"city_approved_by" text,
	"city_approved_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "target_values_key_uq" UNIQUE("target_id","region_code","year")
);
--> statement-breakpoint
CREATE INDEX "dispatch_reports_region_idx" ON "dispatch_reports" USING btree ("region_code","held_on");--> statement-breakpoint
CREATE INDEX "dispatch_tasks_region_idx" ON "dispatch_tasks" USING btree ("region_code","deadline");--> statement-breakpoint
CREATE INDEX "indicators_parent_idx" ON "indicators" USING btree ("parent_code","period");--> statement-breakpoint
CREATE INDEX "target_values_region_idx" ON "target_values" USING btree ("region_code","year");--> statement-breakpoint
-- Hand-written: an entered value's approval status is one of four (domain/targets/entry.ts).
ALTER TABLE "target_values" ADD CONSTRAINT "target_values_status_ck" CHECK ("status" IN ('draft', 'submitted', 'county_approved', 'approved'));--> statement-breakpoint
-- Hand-written: one dispatch meeting per region and cadence period (month, ISO week or day).
CREATE UNIQUE INDEX "dispatch_reports_period_uq" ON "dispatch_reports" USING btree ("region_code", "period");

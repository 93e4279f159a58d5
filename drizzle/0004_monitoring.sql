CREATE TABLE "inspection_tasks" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"cycle" text NOT NULL,
	"household_id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"cadre_id" uuid,
	"status" text DEFAULT 'assigned' NOT NULL,
	"findings" text,
	"risk_found" boolean,
	"risk_kind" text,
	"clue_id" uuid,
	"visited_on" date,
	"assigned_by" text NOT NULL,
	"recorded_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "inspection_tasks_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "inspection_tasks_cycle_uq" UNIQUE("county_code","cycle","household_id")
);
--> statement-breakpoint
CREATE TABLE "monitoring_clues" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid,
	"village_code" varchar(12) NOT NULL,
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"facts" jsonb NOT NULL,
	"reporter_name" text,
	"reporter_phone" text,
	"reporter_id_number" varchar(18),
	"first_seen" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_reason" text,
	"created_by" uuid,
	"created_by_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "monitoring_clues_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "monitoring_scans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"as_of" date NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"username" text NOT NULL,
	"scope_code" varchar(12) NOT NULL,
	"summary" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_warnings" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"rule" text NOT NULL,
	"rule_key" text NOT NULL,
	"source" text NOT NULL,
	"explanation" text NOT NULL,
	"facts" jsonb NOT NULL,
	"first_seen" date NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"clue_id" uuid,
	"finding_id" uuid,
	"scan_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "monitoring_warnings_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "monitoring_warnings_key_uq" UNIQUE("county_code","household_id","rule_key")
);
--> statement-breakpoint
CREATE TABLE "standards" (
	"kind" text NOT NULL,
	"year" integer NOT NULL,
	"value" numeric(14, 4) NOT NULL,
	"unit" text NOT NULL,
	"source" text NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"note" text,
	"entered_by" text NOT NULL,
	"effective" date NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "standards_kind_year_pk" PRIMARY KEY("kind","year")
);
--> statement-breakpoint
CREATE TABLE "village_conditions" (
	"code" varchar(12) NOT NULL,
	"year" integer NOT NULL,
	"road" boolean,
	"water" boolean,
	"electricity" boolean,
	"clinic" boolean,
	"broadband" boolean,
	"collective_income" numeric(14, 2),
	"source" text,
	"entered_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "village_conditions_code_year_pk" PRIMARY KEY("code","year")
);
--> statement-breakpoint
CREATE INDEX "inspection_tasks_village_idx" ON "inspection_tasks" USING btree ("village_code","cycle");--> statement-breakpoint
CREATE INDEX "monitoring_clues_household_idx" ON "monitoring_clues" USING btree ("county_code","household_id");--> statement-breakpoint
CREATE INDEX "monitoring_clues_village_idx" ON "monitoring_clues" USING btree ("village_code","status");--> statement-breakpoint
CREATE INDEX "monitoring_warnings_village_idx" ON "monitoring_warnings" USING btree ("village_code","status");--> statement-breakpoint
CREATE INDEX "monitoring_warnings_id_idx" ON "monitoring_warnings" USING btree ("id");
CREATE TABLE "review_cycles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"quarter" integer NOT NULL,
	"title" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"village_deadline" date NOT NULL,
	"township_deadline" date NOT NULL,
	"county_deadline" date NOT NULL,
	"note" text,
	"opened_by" uuid,
	"opened_by_name" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" uuid,
	"closed_by_name" text,
	"closed_at" timestamp with time zone,
	"snapshot_rows" integer,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "review_cycles_quarter_uq" UNIQUE("year","quarter")
);
--> statement-breakpoint
CREATE TABLE "review_notices" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"type" text NOT NULL,
	"step_key" text NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"title" text NOT NULL,
	"body" jsonb NOT NULL,
	"starts_on" date NOT NULL,
	"min_days" integer NOT NULL,
	"ends_on" date NOT NULL,
	"status" text DEFAULT 'posted' NOT NULL,
	"masked" boolean DEFAULT true NOT NULL,
	"posted_by" uuid,
	"posted_by_name" text NOT NULL,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "review_notices_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "review_objections" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"notice_id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"content" text NOT NULL,
	"contact" text,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"resolved_by_name" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_objections_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE TABLE "review_proposals" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"number" text NOT NULL,
	"cycle_id" uuid NOT NULL,
	"type" text NOT NULL,
	"household_id" uuid,
	"household_number" text NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"head_name" text NOT NULL,
	"member_count" integer NOT NULL,
	"reason" text NOT NULL,
	"payload" jsonb,
	"status_before" text,
	"clue_source" text,
	"first_clue_on" date,
	"step" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'in_progress' NOT NULL,
	"rechecks" integer DEFAULT 0 NOT NULL,
	"notice_id" uuid,
	"decided_at" timestamp with time zone,
	"decided_by_name" text,
	"checks" jsonb,
	"created_by" uuid,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "review_proposals_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "review_proposals_number_uq" UNIQUE("county_code","number")
);
--> statement-breakpoint
CREATE TABLE "review_snapshots" (
	"county_code" varchar(6) NOT NULL,
	"cycle_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"household_number" text NOT NULL,
	"village_code" varchar(12) NOT NULL,
	"poverty_status" text NOT NULL,
	"category" text NOT NULL,
	"monitoring_category" text,
	"monitored" boolean NOT NULL,
	"member_count" integer NOT NULL,
	"per_capita_net" numeric(14, 2),
	CONSTRAINT "review_snapshots_county_code_cycle_id_household_id_pk" PRIMARY KEY("county_code","cycle_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "review_steps" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"step_index" integer NOT NULL,
	"step_key" text NOT NULL,
	"action" text NOT NULL,
	"user_id" uuid,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"comment" text,
	"evidence" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_steps_county_code_id_pk" PRIMARY KEY("county_code","id")
);
--> statement-breakpoint
CREATE INDEX "review_notices_id_idx" ON "review_notices" USING btree ("id");--> statement-breakpoint
CREATE INDEX "review_notices_public_idx" ON "review_notices" USING btree ("starts_on");--> statement-breakpoint
CREATE INDEX "review_objections_proposal_idx" ON "review_objections" USING btree ("county_code","proposal_id");--> statement-breakpoint
CREATE INDEX "review_proposals_id_idx" ON "review_proposals" USING btree ("id");--> statement-breakpoint
CREATE INDEX "review_proposals_cycle_idx" ON "review_proposals" USING btree ("cycle_id","state");--> statement-breakpoint
CREATE INDEX "review_proposals_village_idx" ON "review_proposals" USING btree ("village_code","state");--> statement-breakpoint
CREATE INDEX "review_proposals_household_idx" ON "review_proposals" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "review_snapshots_cycle_idx" ON "review_snapshots" USING btree ("cycle_id","village_code");--> statement-breakpoint
CREATE INDEX "review_steps_proposal_idx" ON "review_steps" USING btree ("county_code","proposal_id","at");--> statement-breakpoint
-- Hand-written: the signed steps of a proposal are its record; like audit_log they are append-only.
CREATE OR REPLACE FUNCTION review_steps_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'review_steps is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER review_steps_no_update BEFORE UPDATE OR DELETE ON review_steps
  FOR EACH ROW EXECUTE FUNCTION review_steps_append_only();

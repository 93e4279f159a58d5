CREATE TABLE "comparison_candidates" (
	"county_code" varchar(6) NOT NULL,
	"id" uuid NOT NULL,
	"finding_id" uuid NOT NULL,
	"id_number" varchar(18) NOT NULL,
	"name" text,
	"village_code" varchar(12) NOT NULL,
	"code" text NOT NULL,
	"year" integer,
	"evidence" jsonb NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"proposal_id" uuid,
	"proposal_number" text,
	"proposed_by_name" text,
	"proposed_at" timestamp with time zone,
	"created_by" uuid,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "comparison_candidates_county_code_id_pk" PRIMARY KEY("county_code","id"),
	CONSTRAINT "comparison_candidates_finding_uq" UNIQUE("county_code","finding_id")
);
--> statement-breakpoint
ALTER TABLE "comparison_findings" ADD COLUMN "open_state" text;--> statement-breakpoint
ALTER TABLE "comparison_findings" ADD COLUMN "opened_proposal_id" uuid;--> statement-breakpoint
ALTER TABLE "comparison_findings" ADD COLUMN "opened_proposal_number" text;--> statement-breakpoint
ALTER TABLE "comparison_findings" ADD COLUMN "candidate_id" uuid;--> statement-breakpoint
ALTER TABLE "comparison_findings" ADD COLUMN "open_note" text;--> statement-breakpoint
ALTER TABLE "comparison_findings" ADD COLUMN "opened_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "comparison_candidates_id_idx" ON "comparison_candidates" USING btree ("id");--> statement-breakpoint
CREATE INDEX "comparison_candidates_village_idx" ON "comparison_candidates" USING btree ("village_code","status");--> statement-breakpoint
CREATE INDEX "comparison_candidates_person_idx" ON "comparison_candidates" USING btree ("county_code","id_number");--> statement-breakpoint
-- Hand-written: findings confirmed before this migration. A risk finding was already left to the monitoring scan; an exclusion finding has no proposal yet, so it waits for 立即申报 (open now).
UPDATE "comparison_findings" SET "open_state" = 'scan', "open_note" = '监测扫描据此生成风险预警' WHERE "status" = 'confirmed' AND "opens" = 'monitoring-warning' AND "open_state" IS NULL;
--> statement-breakpoint
UPDATE "comparison_findings" SET "open_state" = 'pending', "open_note" = '待开启：在生成剔除申报功能上线前确认，请「立即申报」' WHERE "status" = 'confirmed' AND "opens" = 'removal-proposal' AND "open_state" IS NULL;

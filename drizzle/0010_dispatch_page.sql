CREATE TABLE "dispatch_task_progress" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"percent" integer NOT NULL,
	"note" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicator_refresh" (
	"id" text PRIMARY KEY NOT NULL,
	"requested_at" timestamp with time zone,
	"requested_by" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "dispatch_groups" ADD COLUMN "members" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_groups" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_tasks" ADD COLUMN "progress" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "dispatch_tasks" ADD COLUMN "progress_note" text;--> statement-breakpoint
ALTER TABLE "dispatch_tasks" ADD COLUMN "progress_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "dispatch_task_progress_task_idx" ON "dispatch_task_progress" USING btree ("task_id","recorded_at");--> statement-breakpoint
-- Hand-written: progress is a share in whole percent.
ALTER TABLE "dispatch_task_progress" ADD CONSTRAINT "dispatch_task_progress_percent_ck" CHECK ("percent" BETWEEN 0 AND 100);--> statement-breakpoint
ALTER TABLE "dispatch_tasks" ADD CONSTRAINT "dispatch_tasks_progress_ck" CHECK ("progress" BETWEEN 0 AND 100);

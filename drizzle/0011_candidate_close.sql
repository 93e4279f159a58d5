ALTER TABLE "comparison_candidates" ADD COLUMN "closed_reason" text;--> statement-breakpoint
ALTER TABLE "comparison_candidates" ADD COLUMN "closed_by_name" text;--> statement-breakpoint
ALTER TABLE "comparison_candidates" ADD COLUMN "closed_at" timestamp with time zone;
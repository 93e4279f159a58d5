-- A comparison's rules (title, parameters, effective date, source) are stored once on its dataset
-- instead of in each of its findings (~40k for a 1M-row file; 356 of a finding's ~780 bytes).
-- A finding's rule is its last dataset's; findings stored before keep their own copy.
ALTER TABLE "comparison_findings" ALTER COLUMN "rule" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "comparison_datasets" ADD COLUMN "rules" jsonb;
-- Retention per workspace (off by default): lib/retention.ts deletes conversations with no message for
-- retention_days, at most once a day per workspace (retention_ran_at), and writes each run to the audit log.
ALTER TABLE "workspaces" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "retention_ran_at" timestamp with time zone;
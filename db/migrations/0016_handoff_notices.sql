-- The team is emailed when a conversation waits for a person (lib/handoff/notify.ts): the column says it
-- was, and the partial index finds the few that wait to be told.
ALTER TABLE "conversations" ADD COLUMN "handoff_notified_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "conversations_handoff_notice_idx" ON "conversations" USING btree ("handoff_requested_at") WHERE "conversations"."status" = 'handoff_requested' and "conversations"."handoff_notified_at" is null;
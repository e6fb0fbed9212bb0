-- The Chat API lists an integration's conversations by last activity (GET /chat/custom/:id/conversations):
-- the index gives that order, so a page is read in index order whatever the integration's size.
DROP INDEX "conversations_integration_idx";--> statement-breakpoint
CREATE INDEX "conversations_integration_idx" ON "conversations" USING btree ("integration_id","last_message_at","id");
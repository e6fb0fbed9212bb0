-- Vectors stored before the sign bits existed are dropped and their sources re-embedded by the worker
-- (embedded_model cleared), so every row has bits.
DELETE FROM "knowledge_embeddings";--> statement-breakpoint
UPDATE "knowledge_sources" SET "embedded_model" = NULL WHERE "embedded_model" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "knowledge_embeddings" ADD COLUMN "bits" bit varying NOT NULL;

CREATE TABLE "knowledge_embeddings" (
	"chunk_id" bigint PRIMARY KEY NOT NULL,
	"bot_id" text NOT NULL,
	"model" text NOT NULL,
	"dims" integer NOT NULL,
	"embedding" real[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD COLUMN "embedded_model" text;--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD COLUMN "embedding_error" text;--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD COLUMN "embedding_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD COLUMN "embedding_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "knowledge_embeddings" ADD CONSTRAINT "knowledge_embeddings_chunk_id_knowledge_chunks_id_fk" FOREIGN KEY ("chunk_id") REFERENCES "public"."knowledge_chunks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_embeddings_bot_model_idx" ON "knowledge_embeddings" USING btree ("bot_id","model");
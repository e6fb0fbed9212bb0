CREATE TABLE "knowledge_bot_stats" (
	"bot_id" text PRIMARY KEY NOT NULL,
	"chunks" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_terms" (
	"bot_id" text NOT NULL,
	"lexeme" text NOT NULL,
	"df" integer NOT NULL,
	CONSTRAINT "knowledge_terms_bot_id_lexeme_pk" PRIMARY KEY("bot_id","lexeme")
);
--> statement-breakpoint
-- btree_gin lets one GIN index hold bot_id beside tsv (a trusted extension: the database owner may create it; PGlite loads it in db/index.ts).
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_bot_tsv_idx" ON "knowledge_chunks" USING gin ("bot_id","tsv");--> statement-breakpoint
DROP INDEX "knowledge_chunks_tsv_idx";--> statement-breakpoint
DROP INDEX "knowledge_chunks_bot_idx";
--> statement-breakpoint
-- Keeps knowledge_terms and knowledge_bot_stats equal to what counting knowledge_chunks would give,
-- whatever writes the chunks (ingestion, a source or bot deleted by cascade, a direct insert).
-- The bot's stats row is written first and in bot order: its row lock makes concurrent writers of
-- one bot's knowledge take turns on the terms, so they cannot deadlock on them.
CREATE FUNCTION "knowledge_chunks_stats"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE knowledge_bot_stats s SET chunks = s.chunks - d.n
      FROM (SELECT bot_id, count(*)::int AS n FROM old_rows GROUP BY bot_id ORDER BY bot_id) d
      WHERE s.bot_id = d.bot_id;
    UPDATE knowledge_terms t SET df = t.df - d.n
      FROM (SELECT bot_id, lexeme, count(*)::int AS n FROM old_rows, unnest(tsvector_to_array(tsv)) AS lexeme GROUP BY 1, 2) d
      WHERE t.bot_id = d.bot_id AND t.lexeme = d.lexeme;
    DELETE FROM knowledge_terms t USING (SELECT DISTINCT bot_id FROM old_rows) b WHERE t.bot_id = b.bot_id AND t.df <= 0;
    DELETE FROM knowledge_bot_stats s USING (SELECT DISTINCT bot_id FROM old_rows) b WHERE s.bot_id = b.bot_id AND s.chunks <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO knowledge_bot_stats AS s (bot_id, chunks)
      SELECT bot_id, count(*)::int FROM new_rows GROUP BY bot_id ORDER BY bot_id
      ON CONFLICT (bot_id) DO UPDATE SET chunks = s.chunks + excluded.chunks;
    INSERT INTO knowledge_terms AS t (bot_id, lexeme, df)
      SELECT bot_id, lexeme, count(*)::int FROM new_rows, unnest(tsvector_to_array(tsv)) AS lexeme GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (bot_id, lexeme) DO UPDATE SET df = t.df + excluded.df;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "knowledge_chunks_stats_insert" AFTER INSERT ON "knowledge_chunks"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_chunks_stats"();
--> statement-breakpoint
CREATE TRIGGER "knowledge_chunks_stats_update" AFTER UPDATE ON "knowledge_chunks"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_chunks_stats"();
--> statement-breakpoint
CREATE TRIGGER "knowledge_chunks_stats_delete" AFTER DELETE ON "knowledge_chunks"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_chunks_stats"();
--> statement-breakpoint
CREATE FUNCTION "knowledge_chunks_stats_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM knowledge_terms;
  DELETE FROM knowledge_bot_stats;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "knowledge_chunks_stats_truncate" AFTER TRUNCATE ON "knowledge_chunks"
  FOR EACH STATEMENT EXECUTE FUNCTION "knowledge_chunks_stats_truncate"();
--> statement-breakpoint
-- The knowledge that exists already.
INSERT INTO "knowledge_bot_stats" ("bot_id", "chunks") SELECT "bot_id", count(*)::int FROM "knowledge_chunks" GROUP BY "bot_id";
--> statement-breakpoint
INSERT INTO "knowledge_terms" ("bot_id", "lexeme", "df")
  SELECT "bot_id", "lexeme", count(*)::int FROM "knowledge_chunks", unnest(tsvector_to_array("tsv")) AS "lexeme" GROUP BY 1, 2;

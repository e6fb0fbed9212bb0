-- Issue 17: each chunk is indexed in its own language; the bot's surface vocabulary (for typo
-- correction) and its languages are kept exact by the same trigger as knowledge_terms (0003).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;--> statement-breakpoint
CREATE TABLE "knowledge_languages" (
	"bot_id" text NOT NULL,
	"language" text NOT NULL,
	"chunks" integer NOT NULL,
	CONSTRAINT "knowledge_languages_bot_id_language_pk" PRIMARY KEY("bot_id","language")
);
--> statement-breakpoint
CREATE TABLE "knowledge_words" (
	"bot_id" text NOT NULL,
	"word" text NOT NULL,
	"df" integer NOT NULL,
	CONSTRAINT "knowledge_words_bot_id_word_pk" PRIMARY KEY("bot_id","word")
);
--> statement-breakpoint
ALTER TABLE "bots" ADD COLUMN "language" text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE "bots" ADD COLUMN "customer_words" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "ts_config" "regconfig" DEFAULT 'english'::regconfig NOT NULL;--> statement-breakpoint
-- Existing chunks keep 'english', so their lexemes (and knowledge_terms) are unchanged by the rebuild.
ALTER TABLE "knowledge_chunks" DROP COLUMN "tsv";--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector("ts_config", coalesce("title", '') || ' ' || coalesce("heading", '')), 'A') || setweight(to_tsvector("ts_config", "content"), 'B')) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_bot_tsv_idx" ON "knowledge_chunks" USING gin ("bot_id","tsv");--> statement-breakpoint
CREATE INDEX "knowledge_words_trgm_idx" ON "knowledge_words" USING gin ("bot_id","word" gin_trgm_ops);--> statement-breakpoint
-- A chunk's words as written: lower-cased tokens holding a letter ('simple' neither stems nor drops stopwords).
CREATE FUNCTION "knowledge_chunk_words"(title text, heading text, content text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(heading, '') || ' ' || content))) AS w
  WHERE w ~ '[[:alpha:]]' AND length(w) <= 40
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "knowledge_chunks_stats"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE knowledge_bot_stats s SET chunks = s.chunks - d.n
      FROM (SELECT bot_id, count(*)::int AS n FROM old_rows GROUP BY bot_id ORDER BY bot_id) d
      WHERE s.bot_id = d.bot_id;
    UPDATE knowledge_terms t SET df = t.df - d.n
      FROM (SELECT bot_id, lexeme, count(*)::int AS n FROM old_rows, unnest(tsvector_to_array(tsv)) AS lexeme GROUP BY 1, 2) d
      WHERE t.bot_id = d.bot_id AND t.lexeme = d.lexeme;
    UPDATE knowledge_words t SET df = t.df - d.n
      FROM (SELECT bot_id, word, count(*)::int AS n FROM old_rows, knowledge_chunk_words(title, heading, content) AS word GROUP BY 1, 2) d
      WHERE t.bot_id = d.bot_id AND t.word = d.word;
    UPDATE knowledge_languages t SET chunks = t.chunks - d.n
      FROM (SELECT bot_id, language, count(*)::int AS n FROM old_rows GROUP BY 1, 2) d
      WHERE t.bot_id = d.bot_id AND t.language = d.language;
    DELETE FROM knowledge_terms t USING (SELECT DISTINCT bot_id FROM old_rows) b WHERE t.bot_id = b.bot_id AND t.df <= 0;
    DELETE FROM knowledge_words t USING (SELECT DISTINCT bot_id FROM old_rows) b WHERE t.bot_id = b.bot_id AND t.df <= 0;
    DELETE FROM knowledge_languages t USING (SELECT DISTINCT bot_id FROM old_rows) b WHERE t.bot_id = b.bot_id AND t.chunks <= 0;
    DELETE FROM knowledge_bot_stats s USING (SELECT DISTINCT bot_id FROM old_rows) b WHERE s.bot_id = b.bot_id AND s.chunks <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO knowledge_bot_stats AS s (bot_id, chunks)
      SELECT bot_id, count(*)::int FROM new_rows GROUP BY bot_id ORDER BY bot_id
      ON CONFLICT (bot_id) DO UPDATE SET chunks = s.chunks + excluded.chunks;
    INSERT INTO knowledge_terms AS t (bot_id, lexeme, df)
      SELECT bot_id, lexeme, count(*)::int FROM new_rows, unnest(tsvector_to_array(tsv)) AS lexeme GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (bot_id, lexeme) DO UPDATE SET df = t.df + excluded.df;
    INSERT INTO knowledge_words AS t (bot_id, word, df)
      SELECT bot_id, word, count(*)::int FROM new_rows, knowledge_chunk_words(title, heading, content) AS word GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (bot_id, word) DO UPDATE SET df = t.df + excluded.df;
    INSERT INTO knowledge_languages AS t (bot_id, language, chunks)
      SELECT bot_id, language, count(*)::int FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (bot_id, language) DO UPDATE SET chunks = t.chunks + excluded.chunks;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "knowledge_chunks_stats_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM knowledge_terms;
  DELETE FROM knowledge_words;
  DELETE FROM knowledge_languages;
  DELETE FROM knowledge_bot_stats;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The knowledge that exists already.
INSERT INTO "knowledge_words" ("bot_id", "word", "df")
  SELECT "bot_id", "word", count(*)::int FROM "knowledge_chunks", knowledge_chunk_words("title", "heading", "content") AS "word" GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO "knowledge_languages" ("bot_id", "language", "chunks")
  SELECT "bot_id", "language", count(*)::int FROM "knowledge_chunks" GROUP BY 1, 2;

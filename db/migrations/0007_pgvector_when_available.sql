-- pgvector where the database has it (PGlite loads it in db/index.ts; most managed PostgreSQL
-- services offer it). Without it, or without the right to create it, nothing changes: vector search
-- computes exact cosine over the float arrays of knowledge_embeddings instead (lib/knowledge/vector-search.ts).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS vector;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pgvector is available but this role may not create it; vector search uses exact cosine over float arrays';
    END;
  END IF;
END
$$;

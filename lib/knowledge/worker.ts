import type { Db } from "@/db";
import { startPollingWorker, wakeWorker } from "@/lib/polling-worker";
import { logEvent } from "@/lib/log";
import { embedNextBatch } from "./embed";
import { embeddingConfigFromEnv, embeddingConfigProblem } from "./embeddings";
import { processNextSource, stopImports, type IngestOptions } from "./ingest";

const MAX_LOOPS = 16;
const wakeKey = (i: number) => Symbol.for(`parley.ingestion.wake.${i}`);

/**
 * The ingestion loops: `concurrency` of them (PARLEY_IMPORT_CONCURRENCY, default 2), each importing
 * queued sources one after another (every source read in a worker thread of its own); with an
 * embedding model configured (EMBEDDING_MODEL), giving their chunks vectors one batch at a time once
 * no import waits; then sleeping until `pollMs` passes or {@link wakeIngestionWorker} is called.
 * Several processes can run them: each claim is exclusive, and a workspace has at most
 * `perWorkspace` imports running at once. The stop function settles when the loops have stopped;
 * imports in progress give their sources back to the queue.
 */
export function startIngestionWorker({
  getDb,
  pollMs = 2000,
  concurrency = Number(process.env.PARLEY_IMPORT_CONCURRENCY) || 2,
  ...opts
}: { getDb: () => Promise<Db>; pollMs?: number; concurrency?: number } & IngestOptions): () => Promise<void> {
  const problem = embeddingConfigProblem();
  if (problem) logEvent("knowledge.embedding_config", { problem });
  else if (embeddingConfigFromEnv()) logEvent("knowledge.embedding_config", { model: embeddingConfigFromEnv()!.model });
  const loops = Math.max(1, Math.min(MAX_LOOPS, Math.floor(concurrency)));
  const stops = Array.from({ length: loops }, (_, i) =>
    startPollingWorker({
      name: "knowledge",
      wakeKey: wakeKey(i),
      pollMs,
      step: async () => {
        const db = await getDb();
        return (await processNextSource(db, opts)) || (await embedNextBatch(db));
      },
    }),
  );
  return async () => {
    const stopping = stops.map((stop) => stop());
    stopImports(); // imports in progress give their sources back rather than running to the end
    await Promise.all(stopping);
  };
}

/** Tells the workers in this process (if any) that a source was queued, so they start now rather than at their next poll. */
export function wakeIngestionWorker(): void {
  for (let i = 0; i < MAX_LOOPS; i++) wakeWorker(wakeKey(i));
}

import type { Db } from "@/db";
import { startPollingWorker, wakeWorker } from "@/lib/polling-worker";
import { processNextSource, type IngestOptions } from "./ingest";

const WAKE_KEY = Symbol.for("parley.ingestion.wake");

/**
 * The ingestion loop: imports queued sources one after another, then sleeps until `pollMs` passes
 * or {@link wakeIngestionWorker} is called. Several server instances can run it: each claim is exclusive.
 * Returns a stop function; an import cut short by a stop resumes when its lease runs out.
 */
export function startIngestionWorker({ getDb, pollMs = 2000, ...opts }: { getDb: () => Promise<Db>; pollMs?: number } & IngestOptions): () => void {
  return startPollingWorker({ name: "knowledge", wakeKey: WAKE_KEY, pollMs, step: async () => processNextSource(await getDb(), opts) });
}

/** Tells the worker in this process (if any) that a source was queued, so it starts now rather than at its next poll. */
export function wakeIngestionWorker(): void {
  wakeWorker(WAKE_KEY);
}

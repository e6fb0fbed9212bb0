import type { Db } from "@/db";
import { logEvent } from "@/lib/log";
import { processNextSource, type IngestOptions } from "./ingest";

const WAKE_KEY = Symbol.for("parley.ingestion.wake");
type GlobalWithWake = typeof globalThis & { [WAKE_KEY]?: () => void };
const g = globalThis as GlobalWithWake;

/**
 * The ingestion loop: imports queued sources one after another, then sleeps until `pollMs` passes
 * or {@link wakeIngestionWorker} is called. Several server instances can run it: each claim is exclusive.
 * Returns a stop function; an import cut short by a stop resumes when its lease runs out.
 */
export function startIngestionWorker({ getDb, pollMs = 2000, ...opts }: { getDb: () => Promise<Db>; pollMs?: number } & IngestOptions): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let failures = 0;

  const loop = async () => {
    while (!stopped) {
      let worked = false;
      try {
        worked = await processNextSource(await getDb(), opts);
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 30 === 0) {
          logEvent("knowledge.worker_error", { failures, error: error instanceof Error ? error.message.slice(0, 300) : String(error) });
        }
      }
      if (worked || stopped) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs * Math.min(failures + 1, 15)); // back off while the database is unreachable
        timer.unref?.();
      });
      wake = undefined;
    }
  };

  g[WAKE_KEY] = () => wake?.();
  void loop();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    wake?.();
    delete g[WAKE_KEY];
  };
}

/** Tells the worker in this process (if any) that a source was queued, so it starts now rather than at its next poll. */
export function wakeIngestionWorker(): void {
  g[WAKE_KEY]?.();
}

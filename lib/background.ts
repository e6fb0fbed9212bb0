import { getDb } from "@/db";
import { startHandoffNotifier } from "@/lib/handoff/notify";
import { startIngestionWorker } from "@/lib/knowledge/worker";
import { startRetentionWorker } from "@/lib/retention";
import { startUnansweredWorker } from "@/lib/unanswered/digest";
import { startWebhookWorker } from "@/lib/webhooks/worker";
import { startPollingWorker } from "@/lib/polling-worker";
import { reconcileQuotaHolds } from "@/lib/quota";

/**
 * Whether this process runs the background work. `PARLEY_WORKERS=0` turns it off in web processes
 * when `npm run worker` runs it (on PostgreSQL; the embedded database has one process anyway).
 */
export function backgroundWorkEnabled(): boolean {
  return process.env.PARLEY_WORKERS !== "0";
}

/**
 * Starts the background loops (knowledge ingestion, webhook delivery, handoff emails, retention, the
 * quota's reconciler, unanswered questions' grouping and weekly digest). The stop function ends the
 * loops, gives imports in progress back to the queue, and settles when they have (or at `deadlineMs`).
 */
export function startBackgroundWork(): (deadlineMs?: number) => Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  stops.push(startIngestionWorker({ getDb }));
  stops.push(startWebhookWorker({ getDb }));
  stops.push(startHandoffNotifier({ getDb }));
  stops.push(startRetentionWorker({ getDb }));
  stops.push(
    startPollingWorker({
      name: "quota",
      wakeKey: Symbol.for("parley.quota.wake"),
      pollMs: 60_000,
      step: async () => {
        await reconcileQuotaHolds(await getDb());
        return false; // once a minute is plenty: a hold lives at least ten
      },
    }),
  );
  stops.push(startUnansweredWorker({ getDb }));
  return async (deadlineMs = 10_000) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(stops.map((stop) => stop())),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
  };
}

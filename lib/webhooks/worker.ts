import type { Db } from "@/db";
import { logEvent } from "@/lib/log";
import { startPollingWorker, wakeWorker } from "@/lib/polling-worker";
import { deliverDueWebhooks, type DeliverOptions } from "./deliver";

const WAKE_KEY = Symbol.for("parley.webhooks.wake");

/**
 * The webhook delivery loop: delivers what is due, then sleeps until `pollMs` passes or
 * {@link wakeWebhookWorker} is called. All state is in the outbox table, so a restart loses nothing
 * and several server instances can run it side by side. Returns a stop function.
 */
export function startWebhookWorker({
  getDb,
  pollMs = 2000,
  ...opts
}: { getDb: () => Promise<Db>; pollMs?: number } & Omit<DeliverOptions, "now">): () => Promise<void> {
  return startPollingWorker({
    name: "webhooks",
    wakeKey: WAKE_KEY,
    pollMs,
    step: async () => {
      const run = await deliverDueWebhooks(await getDb(), opts);
      if (run.failed) logEvent("webhooks.gave_up", { deliveries: run.failed });
      return run.claimed > 0;
    },
  });
}

/** Tells the worker in this process (if any) that events were queued, so they go out now rather than at its next poll. */
export function wakeWebhookWorker(): void {
  wakeWorker(WAKE_KEY);
}

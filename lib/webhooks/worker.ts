import type { Db } from "@/db";
import { logEvent } from "@/lib/log";
import { deliverDueWebhooks, type DeliverOptions } from "./deliver";

const WAKE_KEY = Symbol.for("parley.webhooks.wake");
type GlobalWithWake = typeof globalThis & { [WAKE_KEY]?: () => void };
const g = globalThis as GlobalWithWake;

/**
 * The webhook delivery loop: delivers what is due, then sleeps until `pollMs` passes or
 * {@link wakeWebhookWorker} is called. All state is in the outbox table, so a restart loses nothing
 * and several server instances can run it side by side. Returns a stop function.
 */
export function startWebhookWorker({ getDb, pollMs = 2000, ...opts }: { getDb: () => Promise<Db>; pollMs?: number } & Omit<DeliverOptions, "now">): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let failures = 0;

  const loop = async () => {
    while (!stopped) {
      let worked = false;
      try {
        const run = await deliverDueWebhooks(await getDb(), opts);
        worked = run.claimed > 0;
        failures = 0;
        if (run.failed) logEvent("webhooks.gave_up", { deliveries: run.failed });
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 30 === 0) {
          logEvent("webhooks.worker_error", { failures, error: error instanceof Error ? error.message.slice(0, 300) : String(error) });
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

/** Tells the worker in this process (if any) that events were queued, so they go out now rather than at its next poll. */
export function wakeWebhookWorker(): void {
  g[WAKE_KEY]?.();
}

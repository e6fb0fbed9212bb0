import { logEvent } from "@/lib/log";

type GlobalWithWake = typeof globalThis & Record<symbol, (() => void) | undefined>;
const g = globalThis as GlobalWithWake;

/**
 * A background loop: runs `step` while it finds work, then sleeps until `pollMs` passes or
 * wakeWorker(wakeKey) is called (from any bundle of this process: the waker lives on globalThis).
 * While `step` keeps failing (the database is down) the sleep grows, up to 15 × pollMs, and the
 * error is logged on the first failure and every 30th. Returns a stop function.
 */
export function startPollingWorker({ name, wakeKey, pollMs, step }: { name: string; wakeKey: symbol; pollMs: number; step: () => Promise<boolean> }): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let woken = false; // a wake that came while `step` ran must not be lost
  let failures = 0;

  const loop = async () => {
    while (!stopped) {
      woken = false;
      let worked = false;
      try {
        worked = await step();
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 30 === 0) {
          logEvent(`${name}.worker_error`, { failures, error: error instanceof Error ? error.message.slice(0, 300) : String(error) });
        }
      }
      if (worked || woken || stopped) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs * Math.min(failures + 1, 15));
        timer.unref?.();
      });
      wake = undefined;
    }
  };

  g[wakeKey] = () => {
    woken = true;
    wake?.();
  };
  void loop();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    wake?.();
    delete g[wakeKey];
  };
}

/** Wakes the worker registered under `wakeKey` in this process, if there is one. */
export function wakeWorker(wakeKey: symbol): void {
  g[wakeKey]?.();
}

import { errorFields, logEvent } from "@/lib/log";

type GlobalWithWake = typeof globalThis & Record<symbol, (() => void) | undefined>;
const g = globalThis as GlobalWithWake;

const STEP_SILENCE_MS = 10 * 60_000;
type Beat = { name: string; at: number; maxSilenceMs: number };
const BEATS = Symbol.for("parley.background.beats");
const beats: Set<Beat> = ((g as unknown as Record<symbol, Set<Beat>>)[BEATS] ??= new Set());

/** When each running background loop of this process last went round, and how long it may stay silent (readiness). */
export function backgroundBeats(): Beat[] {
  return [...beats];
}

/**
 * A background loop: runs `step` while it finds work, then sleeps until `pollMs` passes or
 * wakeWorker(wakeKey) is called (from any bundle of this process: the waker lives on globalThis).
 * While `step` keeps failing (the database is down) the sleep grows, up to 15 × pollMs, and the
 * error is logged on the first failure and every 30th. Returns a stop function, whose promise
 * settles when the step in progress (if any) has finished.
 */
export function startPollingWorker({
  name,
  wakeKey,
  pollMs,
  step,
}: {
  name: string;
  wakeKey: symbol;
  pollMs: number;
  step: () => Promise<boolean>;
}): () => Promise<void> {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let woken = false; // a wake that came while `step` ran must not be lost
  let failures = 0;

  const idleSilenceMs = Math.max(60_000, pollMs * 16);
  const beat = { name, at: Date.now(), maxSilenceMs: idleSilenceMs };
  beats.add(beat);
  const loop = async () => {
    while (!stopped) {
      beat.at = Date.now();
      beat.maxSilenceMs = STEP_SILENCE_MS; // a step (an import) has limits of its own
      woken = false;
      let worked = false;
      try {
        worked = await step();
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 30 === 0) {
          logEvent(`${name}.worker_error`, {
            failures,
            ...errorFields(error),
          });
        }
      }
      beat.at = Date.now();
      beat.maxSilenceMs = idleSilenceMs;
      if (worked || woken || stopped) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs * Math.min(failures + 1, 15));
        timer.unref?.();
      });
      wake = undefined;
    }
  };

  const wakeSelf = () => {
    woken = true;
    wake?.();
  };
  g[wakeKey] = wakeSelf;
  const running = loop();
  return () => {
    stopped = true;
    beats.delete(beat);
    if (timer) clearTimeout(timer);
    wake?.();
    if (g[wakeKey] === wakeSelf) delete g[wakeKey];
    return running;
  };
}

/** Wakes the worker registered under `wakeKey` in this process, if there is one. */
export function wakeWorker(wakeKey: symbol): void {
  g[wakeKey]?.();
}

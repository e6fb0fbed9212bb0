/**
 * Memory per in-flight streaming request: `count` Chat API requests with `"stream": true` held open at
 * once against a model that does not answer (the fixture in "hang" mode), each one a new conversation.
 * A stream counts as open once its `start` event has arrived and the model has received its request;
 * the app's memory is read then and compared with before: resident memory (VmRSS), and what is alive
 * after a full garbage collection (V8 heap + external + array buffers, from the bench-only route
 * app/api/bench/memory, the server running with --expose-gc). Then the client closes every stream (the
 * app then stops the model calls).
 */
import { setMaxListeners } from "node:events";
import { Pool } from "undici";
import type { ModelControl } from "../model-fixture";
import { treeRss, waitIdle } from "./procs";
import type { ChatTarget } from "./arrivals";

export type StreamsResult = {
  requested: number;
  /** Streams whose start event arrived. */
  open: number;
  /** Of those, streams whose model request the fixture had received when memory was read. */
  atModel: number;
  failed: Record<string, number>;
  rssBefore: number;
  rssOpen: number;
  /** Resident memory per open stream. */
  rssPerStream: number;
  /** Heap, external and array-buffer memory alive after a full GC, per open stream. */
  livePerStream: number;
  openSeconds: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Memory alive in the app after a full garbage collection, bytes. */
async function liveBytes(origin: string): Promise<number> {
  const res = await fetch(`${origin}/api/bench/memory`, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`GET /api/bench/memory answered ${res.status}: is the build made with PARLEY_BENCH=1?`);
  const m = (await res.json()) as { gc: boolean; heapUsed: number; external: number; arrayBuffers: number };
  if (!m.gc) throw new Error("the app process was not started with --expose-gc");
  // arrayBuffers is part of external.
  return m.heapUsed + m.external;
}

export async function openStreams(opts: {
  target: ChatTarget;
  appPid: number;
  model: ModelControl;
  count: number;
  /** Streams being opened at a time (the rest wait their turn), so the listen backlog never overflows. */
  opening?: number;
  timeoutMs?: number;
}): Promise<StreamsResult> {
  if (new URL(opts.target.origin).hostname !== "127.0.0.1") throw new Error("load is only ever sent to 127.0.0.1");
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const pool = new Pool(opts.target.origin, { connections: null, pipelining: 1, bodyTimeout: 0, headersTimeout: 0 });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one signal for every stream
  const failed: Record<string, number> = {};
  const fail = (key: string) => void (failed[key] = (failed[key] ?? 0) + 1);
  await waitIdle(opts.appPid);
  await opts.model.reset();
  const liveBefore = await liveBytes(opts.target.origin);
  const rssBefore = treeRss(opts.appPid);
  const started = performance.now();
  let open = 0;
  let next = 0;
  const readers: Promise<void>[] = [];

  /** Opens stream i; resolves once its start event arrived (or it failed); keeps reading until the abort. */
  const openOne = (i: number): Promise<void> =>
    new Promise<void>((opened) => {
      const reader = (async () => {
        try {
          const res = await pool.request({
            method: "POST",
            path: opts.target.path,
            headers: { "content-type": "application/json", "x-api-key": opts.target.apiKey },
            body: JSON.stringify({ message: "What plans do you offer?", user_id: `stream_${i}`, stream: true }),
            signal: abort.signal,
          });
          if (res.statusCode !== 200) {
            fail(String(res.statusCode));
            await res.body.dump();
            return opened();
          }
          let seen = "";
          let started = false;
          for await (const chunk of res.body) {
            if (!started && (seen += String(chunk)).includes("event: start")) {
              started = true;
              open++;
              opened();
            }
          }
        } catch (error) {
          if (!abort.signal.aborted) fail(error instanceof Error ? error.name : "error");
        }
        opened();
      })();
      readers.push(reader);
    });

  const deadline = Date.now() + timeoutMs;
  try {
    await Promise.all(
      Array.from({ length: Math.min(opts.opening ?? 100, opts.count) }, async () => {
        while (next < opts.count && Date.now() < deadline) await openOne(next++);
      }),
    );
    // The start event goes out before retrieval; wait until the model holds every open stream's request.
    let atModel = 0;
    while (Date.now() < deadline) {
      atModel = (await opts.model.stats()).completions;
      if (atModel >= open) break;
      await sleep(250);
    }
    const openSeconds = (performance.now() - started) / 1000;
    await sleep(1_000); // let the last streams' allocations settle
    const rssOpen = treeRss(opts.appPid);
    const liveOpen = await liveBytes(opts.target.origin);
    return {
      requested: opts.count,
      open,
      atModel: Math.min(atModel, open),
      failed,
      rssBefore,
      rssOpen,
      rssPerStream: open ? (rssOpen - rssBefore) / open : NaN,
      livePerStream: open ? (liveOpen - liveBefore) / open : NaN,
      openSeconds,
    };
  } finally {
    abort.abort();
    await Promise.allSettled(readers);
    await pool.destroy();
  }
}

import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { ExtractLimits } from "./extract";
import { readSource, type SourceToRead } from "./read";

/** What read-in-thread.ts hands the thread, and what the thread posts back. */
export type ThreadInput = { source: SourceToRead; allowLoopback: boolean; limits: ExtractLimits };
export type ThreadMessage =
  | { type: "started" }
  | { type: "progress"; percent: number }
  | { type: "result"; result: Awaited<ReturnType<typeof readSource>> };

// Imports are background work: on Linux this lowers the priority of this thread only, so a busy
// machine gives its CPU to the threads that serve requests first.
try {
  setPriority(0, 10);
} catch {
  // not permitted here; the thread runs at normal priority
}

const port = parentPort!;
const post = (message: ThreadMessage) => port.postMessage(message);
const { source, allowLoopback, limits } = workerData as ThreadInput;
post({ type: "started" });
const result = await readSource(source, {
  allowLoopback,
  limits,
  progress: async (percent) => post({ type: "progress", percent }),
});
post({ type: "result", result });

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from "./extract";
import type { ReadResult, SourceToRead } from "./read";
import type { ThreadInput, ThreadMessage } from "./read-thread-main";

/**
 * Limits of one import. Pages and characters are checked while the document is read; time and
 * memory by the thread that reads it, which is ended when it runs over.
 */
export type ImportLimits = ExtractLimits & { timeMs: number; memoryMb: number };

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The limits from the environment (PARLEY_IMPORT_*), else the defaults. */
export function importLimits(overrides: Partial<ImportLimits> = {}): ImportLimits {
  return {
    maxPages: envNumber("PARLEY_IMPORT_MAX_PAGES", DEFAULT_EXTRACT_LIMITS.maxPages),
    maxChars: envNumber("PARLEY_IMPORT_MAX_CHARS", DEFAULT_EXTRACT_LIMITS.maxChars),
    timeMs: envNumber("PARLEY_IMPORT_TIMEOUT_MS", 120_000),
    memoryMb: envNumber("PARLEY_IMPORT_MEMORY_MB", 512),
    ...overrides,
  };
}

const THREAD_ENTRY = "read-thread.mjs";

/**
 * The thread's entry file, beside this module when it runs from source (tsx, Vitest), else under the
 * app directory. Built at run time on purpose: a bundler that saw `new URL("./…", import.meta.url)`
 * would try to bundle the thread (and tsx) into Next's server chunks.
 */
function threadEntry(): string {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), THREAD_ENTRY);
  return existsSync(beside)
    ? beside
    : path.resolve(/*turbopackIgnore: true*/ process.cwd(), "lib", "knowledge", THREAD_ENTRY);
}

/** The thread could not be started or died before it began: our fault, worth another attempt. */
export class ThreadStartError extends Error {}

/**
 * Reads a source in a worker thread, so a hostile document (a PDF whose pages share one huge
 * compressed stream, tens of thousands of pages) costs that thread's time and memory and never the
 * event loop that serves requests. Running over the time or memory limit is an answer, not an
 * error: `{ ok: false, reason }`, for the source to be marked failed. `signal` ends the thread early
 * (the claim on the source was lost).
 */
export function readSourceInThread(
  source: SourceToRead,
  {
    allowLoopback = false,
    limits = importLimits(),
    onProgress = () => {},
    signal,
  }: {
    allowLoopback?: boolean;
    limits?: ImportLimits;
    onProgress?: (percent: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<ReadResult> {
  return new Promise<ReadResult>((resolve, reject) => {
    const input: ThreadInput = {
      source,
      allowLoopback,
      limits: { maxPages: limits.maxPages, maxChars: limits.maxChars },
    };
    // The file's bytes move to the thread rather than being copied.
    const fileData = source.fileData ? new Uint8Array(source.fileData) : null;
    input.source = { ...source, fileData: fileData as Buffer | null };
    const worker = new Worker(threadEntry(), {
      workerData: input,
      transferList: fileData ? [fileData.buffer as ArrayBuffer] : [],
      resourceLimits: {
        maxOldGenerationSizeMb: limits.memoryMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(limits.memoryMb / 8))),
      },
      stdout: true, // pdf.js may print warnings; they are not log lines of ours
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    let started = false;
    let settled = false;
    const finish = (outcome: { result: ReadResult } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      void worker.terminate();
      if ("result" in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    const timer = setTimeout(() => {
      const seconds = Math.round(limits.timeMs / 1000);
      finish({
        result: {
          ok: false,
          reason: `Reading this source took longer than ${seconds} second${seconds === 1 ? "" : "s"}, the limit for one import. Split it into smaller files.`,
        },
      });
    }, limits.timeMs);
    const abort = () => finish({ error: new Error("The import was stopped.") });
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort);

    worker.on("message", (message: ThreadMessage) => {
      if (message.type === "started") started = true;
      else if (message.type === "progress") onProgress(message.percent);
      else if (message.type === "result") finish({ result: message.result });
    });
    worker.on("error", (error: Error & { code?: string }) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY")
        finish({
          result: {
            ok: false,
            reason: `Reading this source needed more than ${limits.memoryMb} MB of memory, the limit for one import. Split it into smaller files.`,
          },
        });
      else if (!started) finish({ error: new ThreadStartError(`The import thread did not start: ${error.message}`) });
      else finish({ result: { ok: false, reason: "The source could not be read; it may be damaged." } });
    });
    worker.on("exit", (code) => {
      if (!started)
        finish({ error: new ThreadStartError(`The import thread exited with code ${code} before starting.`) });
      else finish({ result: { ok: false, reason: "The source could not be read; it may be damaged." } });
    });
  });
}

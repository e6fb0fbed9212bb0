import type { Db } from "@/db";
import {
  botLanguages,
  claimNextSource,
  readSourceFile,
  type ClaimedSource,
  failAbandonedSources,
  markSourceFailed,
  releaseSource,
  renewSourceLease,
  replaceSourceChunks,
  type SourceClaim,
} from "@/db/queries/knowledge";
import { detectDocumentLanguage, detectLanguage, textSearchConfig, UNDETERMINED } from "@/lib/language";
import { errorFields, logEvent } from "@/lib/log";
import type { Chunk } from "./chunk";
import { importLimits, readSourceInThread, type ImportLimits } from "./read-in-thread";
import { readSource, type ReadResult } from "./read";

export { readSource, MAX_SITEMAP_PAGES, type ReadResult } from "./read";

/** How long a claim holds without renewal; a worker that dies lets it lapse and another one resumes the source. */
export const INGEST_LEASE_MS = 60_000;
/** Claims per sync before a source that keeps dying mid-import is marked failed. */
export const MAX_INGEST_ATTEMPTS = 3;
/** Sources bigger than this stop being useful to search and cost a lot to store. */
const MAX_CHUNKS_PER_SOURCE = 20_000;

export type IngestOptions = {
  /** Lets URL imports reach 127.0.0.1 (tests only); defaults to KNOWLEDGE_ALLOW_LOOPBACK=1. */
  allowLoopback?: boolean;
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before another attempt after an unexpected error. */
  retryDelayMs?: number;
  /** Time, memory, page and character limits of one import (PARLEY_IMPORT_* by default). */
  limits?: Partial<ImportLimits>;
  /** Imports running at once per workspace, across every process (PARLEY_IMPORT_WORKSPACE_CONCURRENCY, 1). */
  perWorkspace?: number;
};

type Resolved = Omit<Required<IngestOptions>, "limits"> & { limits: ImportLimits; inThread: boolean };

function resolve(opts: IngestOptions = {}, inThread = true): Resolved {
  return {
    inThread,
    limits: importLimits(opts.limits),
    perWorkspace: opts.perWorkspace ?? (Number(process.env.PARLEY_IMPORT_WORKSPACE_CONCURRENCY) || 1),
    allowLoopback: opts.allowLoopback ?? process.env.KNOWLEDGE_ALLOW_LOOPBACK === "1",
    leaseMs: opts.leaseMs ?? INGEST_LEASE_MS,
    maxAttempts: opts.maxAttempts ?? MAX_INGEST_ATTEMPTS,
    retryDelayMs: opts.retryDelayMs ?? 10_000,
  };
}

/**
 * Claims one source waiting for import (or abandoned by a worker that died) and imports it.
 * Returns whether there was one. Tests call this directly instead of running the loop.
 */
export async function processNextSource(db: Db, opts: IngestOptions = {}): Promise<boolean> {
  const o = resolve(opts);
  await failAbandonedSources(db, { maxAttempts: o.maxAttempts });
  const source = await claimNextSource(db, {
    leaseMs: o.leaseMs,
    maxAttempts: o.maxAttempts,
    perWorkspace: o.perWorkspace,
  });
  if (!source) return false;
  await importClaimed(db, source, o);
  return true;
}

/**
 * Imports one queued source right away, through the same claim as the worker (pasted text, during
 * the request that added it). If the worker got there first, this does nothing.
 */
export async function importSourceNow(db: Db, sourceId: string, opts: IngestOptions = {}): Promise<boolean> {
  const o = resolve(opts);
  const source = await claimNextSource(db, { leaseMs: o.leaseMs, maxAttempts: o.maxAttempts, onlyId: sourceId });
  if (!source) return false;
  // Pasted text and curated answers (their length bounded by the caller) are chunked right here; anything else in a thread.
  await importClaimed(db, source, { ...o, inThread: source.kind !== "text" && source.kind !== "qa" });
  return true;
}

/** Aborts of the imports running in this process, for {@link stopImports}. */
const running = new Set<AbortController>();

/**
 * Stops the imports running in this process (a shutdown): their threads end and their sources go
 * back to the queue at once, the attempt not counted, for another worker to take.
 */
export function stopImports(): void {
  for (const controller of running) controller.abort(new ImportStopped());
}

class ImportStopped extends Error {}

async function importClaimed(db: Db, source: ClaimedSource, o: Resolved): Promise<void> {
  const claim: SourceClaim = { sourceId: source.id, attempt: source.attempts };
  const started = performance.now();
  let lost = false;
  let lastProgress: number | undefined;
  // Heartbeat: a long PDF or a slow sitemap keeps its claim; a deleted source stops the work.
  const stop = new AbortController();
  running.add(stop);
  const renew = async (progress?: number) => {
    if (lost) return;
    const held = await renewSourceLease(db, claim, { leaseMs: o.leaseMs, progress });
    if (!held) {
      lost = true;
      stop.abort(); // ends the thread reading the source
    }
  };
  const heartbeat = setInterval(
    () => void renew(lastProgress).catch(() => {}),
    Math.max(50, Math.floor(o.leaseMs / 4)),
  );
  heartbeat.unref?.();
  const progress = async (percent: number) => {
    lastProgress = percent;
    await renew(percent);
    if (lost) throw new LostClaim();
  };

  let outcome: "ready" | "failed" | "retry" | "lost" | "stopped" = "failed";
  let chunks = 0;
  try {
    const toRead = {
      ...source,
      fileData: source.kind === "file" ? ((await readSourceFile(db, source.id)) ?? null) : null,
    };
    const result: ReadResult = o.inThread
      ? await readSourceInThread(toRead, {
          allowLoopback: o.allowLoopback,
          limits: o.limits,
          signal: stop.signal,
          onProgress: (percent) => {
            lastProgress = percent;
            void renew(percent).catch(() => {});
          },
        })
      : await readSource(toRead, { allowLoopback: o.allowLoopback, progress, limits: o.limits });
    if (lost) throw new LostClaim();
    if (!result.ok) {
      await markSourceFailed(db, source.id, result.reason, claim);
    } else if (result.chunks.length === 0) {
      await markSourceFailed(db, source.id, "No text was found to import.", claim);
    } else if (result.chunks.length > MAX_CHUNKS_PER_SOURCE) {
      await markSourceFailed(
        db,
        source.id,
        "There is too much text in this source. Split it into smaller files and add them one by one.",
        claim,
      );
    } else {
      const stored = await replaceSourceChunks(db, {
        sourceId: source.id,
        botId: source.botId,
        title: result.sourceTitle ?? source.title,
        sourceTitle: result.sourceTitle,
        chunks: await withLanguages(db, source.botId, result.chunks),
        claim,
        warning: result.warning ?? null,
      });
      outcome = stored ? "ready" : "lost";
      chunks = result.chunks.length;
    }
  } catch (error) {
    if (error instanceof LostClaim || (lost && stop.signal.aborted)) {
      outcome = "lost";
    } else if (stop.signal.reason instanceof ImportStopped) {
      outcome = "stopped";
      await releaseSource(db, claim, { delayMs: 0, refundAttempt: true }).catch(() => {});
    } else {
      outcome = "retry";
      logEvent("knowledge.import_error", {
        sourceId: source.id,
        kind: source.kind,
        attempt: claim.attempt,
        ...errorFields(error),
      });
      try {
        if (claim.attempt >= o.maxAttempts) {
          outcome = "failed";
          await markSourceFailed(
            db,
            source.id,
            "Something went wrong on our side while importing this source. Re-sync to try again.",
            claim,
          );
        } else {
          await releaseSource(db, claim, { delayMs: o.retryDelayMs * claim.attempt });
        }
      } catch {
        // The database is gone too (a shutdown): the lease runs out and the source is picked up again.
      }
    }
  } finally {
    clearInterval(heartbeat);
    running.delete(stop);
  }
  logEvent("knowledge.import", {
    sourceId: source.id,
    kind: source.kind,
    attempt: claim.attempt,
    outcome,
    chunks,
    ms: Math.round(performance.now() - started),
  });
}

class LostClaim extends Error {}

/**
 * Each chunk's language and the text search configuration it is indexed with. The source's language
 * is detected from its text; a chunk long enough to tell may differ (a sitemap's pages, a bilingual
 * document), a short one takes the source's. Text too short to tell is in the bot's language setting,
 * else its knowledge's main language, else English.
 */
async function withLanguages<C extends Chunk & { title?: string }>(
  db: Db,
  botId: string,
  chunks: C[],
): Promise<(C & { language: string; tsConfig: string })[]> {
  const bot = await botLanguages(db, botId);
  const fallback = bot.setting !== "auto" ? bot.setting : (bot.knowledge.find((l) => l !== UNDETERMINED) ?? "en");
  const text = (c: C) => `${c.title ?? ""} ${c.heading} ${c.content}`;
  const source = await detectDocumentLanguage(chunks.slice(0, 20).map(text).join("\n"), { fallback });
  const out: (C & { language: string; tsConfig: string })[] = [];
  for (const c of chunks) {
    const { language } = await detectLanguage(text(c), { fallback: source.language, expected: [source.language] });
    out.push({ ...c, language, tsConfig: textSearchConfig(language) });
  }
  return out;
}

import type { Db } from "@/db";
import type { KnowledgeSource } from "@/db/schema";
import {
  claimNextSource,
  failAbandonedSources,
  markSourceFailed,
  releaseSource,
  renewSourceLease,
  replaceSourceChunks,
  type SourceClaim,
} from "@/db/queries/knowledge";
import { logEvent } from "@/lib/log";
import { chunkSections, type Chunk } from "./chunk";
import { extractDocument, extractHtml, textToSections, type Section } from "./extract";
import { collectSitemapUrls, fetchPublicUrl } from "./fetch-url";

/** How long a claim holds without renewal; a worker that dies lets it lapse and another one resumes the source. */
export const INGEST_LEASE_MS = 60_000;
/** Claims per sync before a source that keeps dying mid-import is marked failed. */
export const MAX_INGEST_ATTEMPTS = 3;
/** A sitemap import reads at most this many pages. */
export const MAX_SITEMAP_PAGES = 50;
/** Sources bigger than this stop being useful to search and cost a lot to store. */
const MAX_CHUNKS_PER_SOURCE = 20_000;
const PAGE_CONCURRENCY = 4;

export type IngestOptions = {
  /** Lets URL imports reach 127.0.0.1 (tests only); defaults to KNOWLEDGE_ALLOW_LOOPBACK=1. */
  allowLoopback?: boolean;
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before another attempt after an unexpected error. */
  retryDelayMs?: number;
};

type Resolved = Required<IngestOptions>;

function resolve(opts: IngestOptions = {}): Resolved {
  return {
    allowLoopback: opts.allowLoopback ?? process.env.KNOWLEDGE_ALLOW_LOOPBACK === "1",
    leaseMs: opts.leaseMs ?? INGEST_LEASE_MS,
    maxAttempts: opts.maxAttempts ?? MAX_INGEST_ATTEMPTS,
    retryDelayMs: opts.retryDelayMs ?? 10_000,
  };
}

/** Chunks ready to store, or the reason the source could not be read. */
export type ReadResult =
  | { ok: true; chunks: (Chunk & { title?: string })[]; sourceTitle?: string; warning?: string }
  | { ok: false; reason: string };

type Progress = (percent: number) => Promise<void>;

/**
 * Claims one source waiting for import (or abandoned by a worker that died) and imports it.
 * Returns whether there was one. Tests call this directly instead of running the loop.
 */
export async function processNextSource(db: Db, opts: IngestOptions = {}): Promise<boolean> {
  const o = resolve(opts);
  await failAbandonedSources(db, { maxAttempts: o.maxAttempts });
  const source = await claimNextSource(db, { leaseMs: o.leaseMs, maxAttempts: o.maxAttempts });
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
  await importClaimed(db, source, o);
  return true;
}

async function importClaimed(db: Db, source: KnowledgeSource, o: Resolved): Promise<void> {
  const claim: SourceClaim = { sourceId: source.id, attempt: source.attempts };
  const started = performance.now();
  let lost = false;
  let lastProgress: number | undefined;
  // Heartbeat: a long PDF or a slow sitemap keeps its claim; a deleted source stops the work.
  const renew = async (progress?: number) => {
    if (lost) return;
    const held = await renewSourceLease(db, claim, { leaseMs: o.leaseMs, progress });
    if (!held) lost = true;
  };
  const heartbeat = setInterval(() => void renew(lastProgress).catch(() => {}), Math.max(50, Math.floor(o.leaseMs / 4)));
  heartbeat.unref?.();
  const progress: Progress = async (percent) => {
    lastProgress = percent;
    await renew(percent);
    if (lost) throw new LostClaim();
  };

  let outcome: "ready" | "failed" | "retry" | "lost" = "failed";
  let chunks = 0;
  try {
    const result = await readSource(source, { allowLoopback: o.allowLoopback, progress });
    if (lost) throw new LostClaim();
    if (!result.ok) {
      await markSourceFailed(db, source.id, result.reason, claim);
    } else if (result.chunks.length === 0) {
      await markSourceFailed(db, source.id, "No text was found to import.", claim);
    } else if (result.chunks.length > MAX_CHUNKS_PER_SOURCE) {
      await markSourceFailed(db, source.id, "There is too much text in this source. Split it into smaller files and add them one by one.", claim);
    } else {
      const stored = await replaceSourceChunks(db, {
        sourceId: source.id,
        botId: source.botId,
        title: result.sourceTitle ?? source.title,
        sourceTitle: result.sourceTitle,
        chunks: result.chunks,
        claim,
        warning: result.warning ?? null,
      });
      outcome = stored ? "ready" : "lost";
      chunks = result.chunks.length;
    }
  } catch (error) {
    if (error instanceof LostClaim) {
      outcome = "lost";
    } else {
      outcome = "retry";
      logEvent("knowledge.import_error", { sourceId: source.id, kind: source.kind, attempt: claim.attempt, error: describe(error) });
      try {
        if (claim.attempt >= o.maxAttempts) {
          outcome = "failed";
          await markSourceFailed(db, source.id, "Something went wrong on our side while importing this source. Re-sync to try again.", claim);
        } else {
          await releaseSource(db, claim, { delayMs: o.retryDelayMs * claim.attempt });
        }
      } catch {
        // The database is gone too (a shutdown): the lease runs out and the source is picked up again.
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
  logEvent("knowledge.import", { sourceId: source.id, kind: source.kind, attempt: claim.attempt, outcome, chunks, ms: Math.round(performance.now() - started) });
}

class LostClaim extends Error {}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}

/** Reads a source's content (pasted text, stored file bytes, a page, a sitemap's pages) into chunks. */
export async function readSource(
  source: Pick<KnowledgeSource, "kind" | "title" | "input" | "fileData" | "fileName" | "mimeType">,
  { allowLoopback = false, progress = async () => {} }: { allowLoopback?: boolean; progress?: Progress } = {},
): Promise<ReadResult> {
  switch (source.kind) {
    case "text": {
      const { sections } = textToSections(source.title, source.input ?? "");
      return { ok: true, chunks: chunkSections(sections) };
    }
    case "file": {
      if (!source.fileData) return { ok: false, reason: "The uploaded file is missing; upload it again." };
      await progress(10);
      // A plain Uint8Array copy: pdf.js refuses Node Buffers.
      const extracted = await extractDocument({ bytes: new Uint8Array(source.fileData), fileName: source.fileName ?? source.title, declaredType: source.mimeType ?? "" });
      if (!extracted.ok) return extracted;
      return { ok: true, chunks: chunkSections(extracted.sections) };
    }
    case "url": {
      const url = source.input ?? "";
      await progress(10);
      const page = await readPage(url, allowLoopback);
      if (!page.ok) return page;
      // A title the person left blank is the URL itself; the page's own title reads better.
      const sourceTitle = source.title === url && page.title ? page.title : undefined;
      return { ok: true, chunks: chunkSections(page.sections), sourceTitle };
    }
    case "sitemap":
      return readSitemap(source.input ?? "", allowLoopback, progress);
  }
}

type Page = { ok: true; title: string; sections: Section[] } | { ok: false; reason: string };

/** One web page (or a document served at a URL) as sections. */
async function readPage(url: string, allowLoopback: boolean): Promise<Page> {
  const fetched = await fetchPublicUrl(url, { allowLoopback });
  if (!fetched.ok) return fetched;
  const type = fetched.contentType.split(";")[0]!.trim().toLowerCase();
  const head = new TextDecoder().decode(fetched.bytes.slice(0, 512));
  if (type === "text/html" || type === "application/xhtml+xml" || (!type && /^\s*(<!doctype html|<html[\s>])/i.test(head))) {
    const { title, sections } = extractHtml(decodeHtml(fetched.bytes, fetched.contentType), fetched.finalUrl);
    if (!sections.length) return { ok: false, reason: "No readable text was found on the page." };
    return { ok: true, title, sections };
  }
  const fileName = decodeURIComponent(new URL(fetched.finalUrl).pathname.split("/").pop() || "page");
  const extracted = await extractDocument({ bytes: fetched.bytes, fileName, declaredType: type });
  if (!extracted.ok) return extracted;
  return { ok: true, title: extracted.title, sections: extracted.sections };
}

/** HTML in the charset its Content-Type (or meta tag) names, UTF-8 otherwise. */
function decodeHtml(bytes: Uint8Array, contentType: string): string {
  const head = new TextDecoder("latin1").decode(bytes.slice(0, 2048));
  const charset = /charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1] ?? /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ?? "utf-8";
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/**
 * Every page of a sitemap, gathered and chunked before anything is stored, so the swap that follows
 * replaces the old pages with the whole new set at once. Pages that fail are skipped and reported.
 */
async function readSitemap(sitemapUrl: string, allowLoopback: boolean, progress: Progress): Promise<ReadResult> {
  await progress(2);
  const listed = await collectSitemapUrls(sitemapUrl, { allowLoopback, maxPages: MAX_SITEMAP_PAGES });
  if (!listed.ok) return listed;
  const urls = listed.urls;
  await progress(5);

  const pages: Page[] = new Array(urls.length);
  let done = 0;
  let next = 0;
  const work = async () => {
    while (next < urls.length) {
      const i = next++;
      pages[i] = await readPage(urls[i]!, allowLoopback);
      done++;
      await progress(5 + (90 * done) / urls.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, urls.length) }, work));

  const chunks: (Chunk & { title?: string })[] = [];
  const failures: { url: string; reason: string }[] = [];
  pages.forEach((page, i) => {
    if (!page.ok) {
      failures.push({ url: urls[i]!, reason: page.reason });
      return;
    }
    const title = page.title || urls[i]!;
    for (const chunk of chunkSections(page.sections)) chunks.push({ ...chunk, position: chunks.length, title });
  });

  if (failures.length === urls.length) {
    const first = failures[0]!;
    const count = urls.length === 1 ? "The only page in the sitemap" : `None of the ${urls.length} pages in the sitemap`;
    return { ok: false, reason: `${count} could be imported. ${first.url}: ${first.reason}` };
  }
  const warning = failures.length
    ? `${failures.length} of ${urls.length} pages could not be imported, e.g. ${failures[0]!.url}: ${failures[0]!.reason}`
    : undefined;
  return { ok: true, chunks, warning };
}

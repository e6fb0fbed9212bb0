import type { KnowledgeSource } from "@/db/schema";
import { chunkSections, type Chunk } from "./chunk";
import {
  DEFAULT_EXTRACT_LIMITS,
  extractDocument,
  extractHtml,
  textToSections,
  tooMuchTextReason,
  type ExtractLimits,
  type Section,
} from "./extract";
import { collectSitemapUrls, fetchPublicUrl } from "./fetch-url";

/** A sitemap import reads at most this many pages. */
export const MAX_SITEMAP_PAGES = 50;
const PAGE_CONCURRENCY = 4;

/** Chunks ready to store, or the reason the source could not be read. */
export type ReadResult =
  | { ok: true; chunks: (Chunk & { title?: string })[]; sourceTitle?: string; warning?: string }
  | { ok: false; reason: string };

export type Progress = (percent: number) => Promise<void>;

/** The fields of a source that reading it needs (what a worker thread is handed). */
export type SourceToRead = Pick<
  KnowledgeSource,
  "kind" | "title" | "input" | "fileData" | "fileName" | "mimeType" | "qaVariants"
>;

/** Reads a source's content (pasted text, stored file bytes, a page, a sitemap's pages) into chunks. */
export async function readSource(
  source: SourceToRead,
  {
    allowLoopback = false,
    progress = async () => {},
    limits = DEFAULT_EXTRACT_LIMITS,
  }: { allowLoopback?: boolean; progress?: Progress; limits?: ExtractLimits } = {},
): Promise<ReadResult> {
  const result = await readContent(source, allowLoopback, progress, limits);
  if (result.ok && result.chunks.reduce((n, c) => n + c.content.length, 0) > limits.maxChars * 1.5)
    return { ok: false, reason: tooMuchTextReason(limits.maxChars) }; // chunks overlap, hence the margin
  return result;
}

/** The heading of a curated answer's chunks: the other phrasings of its question, joined. */
export function qaHeading(source: Pick<KnowledgeSource, "qaVariants">): string {
  return (source.qaVariants ?? []).join(" · ");
}

async function readContent(
  source: SourceToRead,
  allowLoopback: boolean,
  progress: Progress,
  limits: ExtractLimits,
): Promise<ReadResult> {
  switch (source.kind) {
    case "text": {
      const { sections } = textToSections(source.title, source.input ?? "");
      return { ok: true, chunks: chunkSections(sections) };
    }
    case "qa":
      // A curated answer: its question is the title and the other ways customers asked it the heading, both
      // indexed with the title's weight, so the question and its rewordings find the answer.
      return { ok: true, chunks: chunkSections([{ heading: qaHeading(source), text: source.input ?? "" }]) };
    case "file": {
      if (!source.fileData) return { ok: false, reason: "The uploaded file is missing; upload it again." };
      await progress(10);
      // A plain Uint8Array copy: pdf.js refuses Node Buffers.
      const extracted = await extractDocument({
        bytes: new Uint8Array(source.fileData),
        fileName: source.fileName ?? source.title,
        declaredType: source.mimeType ?? "",
        limits,
      });
      if (!extracted.ok) return extracted;
      return { ok: true, chunks: chunkSections(extracted.sections) };
    }
    case "url": {
      const url = source.input ?? "";
      await progress(10);
      const page = await readPage(url, allowLoopback, limits);
      if (!page.ok) return page;
      // A title the person left blank is the URL itself; the page's own title reads better.
      const sourceTitle = source.title === url && page.title ? page.title : undefined;
      return { ok: true, chunks: chunkSections(page.sections), sourceTitle };
    }
    case "sitemap":
      return readSitemap(source.input ?? "", allowLoopback, progress, limits);
  }
}

type Page = { ok: true; title: string; sections: Section[] } | { ok: false; reason: string };

/** One web page (or a document served at a URL) as sections. */
async function readPage(url: string, allowLoopback: boolean, limits: ExtractLimits): Promise<Page> {
  const fetched = await fetchPublicUrl(url, { allowLoopback });
  if (!fetched.ok) return fetched;
  const type = fetched.contentType.split(";")[0]!.trim().toLowerCase();
  const head = new TextDecoder().decode(fetched.bytes.slice(0, 512));
  if (
    type === "text/html" ||
    type === "application/xhtml+xml" ||
    (!type && /^\s*(<!doctype html|<html[\s>])/i.test(head))
  ) {
    const { title, sections } = extractHtml(decodeHtml(fetched.bytes, fetched.contentType), fetched.finalUrl);
    if (!sections.length) return { ok: false, reason: "No readable text was found on the page." };
    return { ok: true, title, sections };
  }
  const fileName = decodeURIComponent(new URL(fetched.finalUrl).pathname.split("/").pop() || "page");
  const extracted = await extractDocument({ bytes: fetched.bytes, fileName, declaredType: type, limits });
  if (!extracted.ok) return extracted;
  return { ok: true, title: extracted.title, sections: extracted.sections };
}

/** HTML in the charset its Content-Type (or meta tag) names, UTF-8 otherwise. */
function decodeHtml(bytes: Uint8Array, contentType: string): string {
  const head = new TextDecoder("latin1").decode(bytes.slice(0, 2048));
  const charset =
    /charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ??
    "utf-8";
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
async function readSitemap(
  sitemapUrl: string,
  allowLoopback: boolean,
  progress: Progress,
  limits: ExtractLimits,
): Promise<ReadResult> {
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
      pages[i] = await readPage(urls[i]!, allowLoopback, limits);
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
    const count =
      urls.length === 1 ? "The only page in the sitemap" : `None of the ${urls.length} pages in the sitemap`;
    return { ok: false, reason: `${count} could be imported. ${first.url}: ${first.reason}` };
  }
  const warning = failures.length
    ? `${failures.length} of ${urls.length} pages could not be imported, e.g. ${failures[0]!.url}: ${failures[0]!.reason}`
    : undefined;
  return { ok: true, chunks, warning };
}

import { fileTypeFromBuffer } from "file-type";
import JSZip from "jszip";
import mammoth from "mammoth";
import { parse as parseHtml, HTMLElement, TextNode, type Node as HtmlNode } from "node-html-parser";
import { parse as parseCsv } from "csv-parse/sync";
import type { TextItem } from "pdfjs-dist/types/src/display/api";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Expanded XML inside a .docx may not exceed this; a 10 MB zip can otherwise inflate to gigabytes. */
const MAX_DOCX_XML_BYTES = 64 * 1024 * 1024;

/**
 * Limits checked while a document is read, so a hostile file stops early instead of after all its
 * work: pages of a PDF (before any page is parsed) and characters of text (as they accumulate).
 */
export type ExtractLimits = { maxPages: number; maxChars: number };

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxPages: 2_000, maxChars: 10_000_000 };

/** Why a document over a limit is refused (shown to the person who uploaded it). */
export function tooManyPagesReason(pages: number, maxPages: number): string {
  return `The PDF has ${pages.toLocaleString("en-US")} pages; at most ${maxPages.toLocaleString("en-US")} can be imported. Split it into smaller files.`;
}
export function tooMuchTextReason(maxChars: number): string {
  return `The document has more than ${maxChars.toLocaleString("en-US")} characters of text; split it into smaller files.`;
}

/** A run of text under one heading path such as "Pricing › Pro plan" ("" before the first heading). */
export type Section = { heading: string; text: string };

/** The formats an upload can be read as. */
export type DocumentFormat = "txt" | "md" | "html" | "pdf" | "docx" | "csv";

/** Outcome of {@link extractDocument}: the document's title and text sections, or why it could not be read. */
export type ExtractResult =
  { ok: true; format: DocumentFormat; title: string; sections: Section[] } | { ok: false; reason: string };

/** A title and sections extracted from HTML or pasted text. */
export type ExtractedText = { title: string; sections: Section[] };

const HEADING_SEPARATOR = " › ";
const SUPPORTED = "Upload a PDF, Word (.docx), Markdown, HTML, CSV or plain text file.";

/** Reads an uploaded file into sections, deciding its format from the bytes, never by running anything in it. */
export async function extractDocument(input: {
  bytes: Uint8Array;
  fileName: string;
  declaredType?: string;
  limits?: ExtractLimits;
}): Promise<ExtractResult> {
  try {
    const result = await extractByContent(input);
    const maxChars = input.limits?.maxChars ?? DEFAULT_EXTRACT_LIMITS.maxChars;
    if (result.ok && result.sections.reduce((n, s) => n + s.text.length, 0) > maxChars)
      return { ok: false, reason: tooMuchTextReason(maxChars) };
    return result;
  } catch {
    // Parsers are third-party code fed hostile input; a surprise there is an unreadable file, not a crash.
    return { ok: false, reason: "The file could not be read; it may be damaged." };
  }
}

async function extractByContent({
  bytes,
  fileName,
  declaredType = "",
  limits = DEFAULT_EXTRACT_LIMITS,
}: {
  bytes: Uint8Array;
  fileName: string;
  declaredType?: string;
  limits?: ExtractLimits;
}): Promise<ExtractResult> {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, reason: "The file is larger than 10 MB." };
  if (bytes.byteLength === 0) return { ok: false, reason: "The file is empty." };

  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? "";
  const mime = declaredType.split(";")[0]!.trim().toLowerCase();
  const title = baseName(fileName);
  // Text encodings first: UTF-16 text starts with bytes that file-type takes for audio (MP1) and the like.
  const utf16 = decodeUtf16(bytes);
  if (utf16 !== undefined) {
    const format = textFormat(extension, mime, utf16);
    return withFormat(format, extractText(format, utf16, extension, title));
  }
  const sniffed = await fileTypeFromBuffer(bytes);

  if (sniffed?.ext === "pdf" || (extension === "pdf" && hasPdfHeader(bytes)))
    return withFormat("pdf", await extractPdf(bytes, title, limits));
  if (extension === "pdf") return { ok: false, reason: "The file is named .pdf but its content is not a PDF." };

  if (sniffed?.ext === "docx" || sniffed?.ext === "zip") {
    const docx = await extractDocx(bytes, title);
    if (docx) return withFormat("docx", docx);
    return { ok: false, reason: `The file is a ZIP archive, not a Word document. ${SUPPORTED}` };
  }
  if (extension === "docx")
    return { ok: false, reason: "The file is named .docx but its content is not a Word document." };

  // file-type also recognises a few text formats (XML, iCalendar, vCard, WebVTT); those are read as text.
  const textual = !sniffed || sniffed.mime.startsWith("text/") || sniffed.mime === "application/xml";
  const text = textual ? decodeText(bytes) : undefined;
  if (text === undefined) return { ok: false, reason: unsupportedReason(sniffed) };

  const format = textFormat(extension, mime, text);
  return withFormat(format, extractText(format, text, extension, title));
}

function unsupportedReason(sniffed: { ext: string; mime: string } | undefined): string {
  if (sniffed?.ext === "cfb")
    return "Old Office files (.doc, .xls, .ppt) are not supported; save the file as .docx or PDF and upload it again.";
  if (sniffed)
    return `The file's content is ${sniffed.ext.toUpperCase()} (${sniffed.mime}), which is not supported. ${SUPPORTED}`;
  return `The file is neither a supported document nor UTF-8 text. ${SUPPORTED}`;
}

function extractText(
  format: Exclude<DocumentFormat, "pdf" | "docx">,
  text: string,
  extension: string,
  fallbackTitle: string,
): ExtractedText | { reason: string } {
  const extracted =
    format === "html"
      ? extractHtml(text)
      : format === "csv"
        ? extractCsv(text, extension === "tsv" ? "\t" : undefined)
        : format === "md"
          ? textToSections("", text)
          : { title: "", sections: plainSections(text) };
  return "reason" in extracted ? extracted : { title: extracted.title || fallbackTitle, sections: extracted.sections };
}

function withFormat(format: DocumentFormat, result: ExtractedText | { reason: string }): ExtractResult {
  if ("reason" in result) return { ok: false, reason: result.reason };
  if (result.sections.length === 0) {
    const hint = format === "pdf" ? " It may be a scanned image; PDFs need a text layer." : "";
    return { ok: false, reason: `No text was found in the file.${hint}` };
  }
  return { ok: true, format, ...result };
}

function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? "";
  return name.replace(/\.[^.]+$/, "").trim() || "Untitled";
}

/** PDF readers accept the header anywhere in the first 1 KB; file-type only looks at offset 0. */
function hasPdfHeader(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes("%PDF-");
}

/**
 * UTF-16 text: with a byte-order mark, or without one when it reads as text with a NUL in every
 * other byte (what ASCII-range text looks like in UTF-16). undefined for anything else.
 */
function decodeUtf16(bytes: Uint8Array): string | undefined {
  let encoding: "utf-16le" | "utf-16be" | undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = "utf-16le";
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = "utf-16be";
  else if (bytes.byteLength >= 4 && bytes.byteLength % 2 === 0) {
    const sample = Math.min(bytes.byteLength, 4096) & ~1;
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i < sample; i += 2) {
      if (bytes[i] === 0) zeroEven++;
      if (bytes[i + 1] === 0) zeroOdd++;
    }
    const pairs = sample / 2;
    if (zeroOdd >= pairs * 0.6 && zeroEven === 0) encoding = "utf-16le";
    else if (zeroEven >= pairs * 0.6 && zeroOdd === 0) encoding = "utf-16be";
  }
  if (!encoding) return undefined;
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes); // drops the BOM
  } catch {
    return undefined;
  }
  // Control characters other than whitespace mean it was not text after all.
  return /[\u0000-\u0008\u000E-\u001F]/.test(text) ? undefined : text;
}

/** UTF-8 text without NUL bytes (UTF-16 and binaries contain NULs), BOM removed; undefined otherwise. */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

function textFormat(extension: string, mime: string, text: string): Exclude<DocumentFormat, "pdf" | "docx"> {
  if (["md", "markdown", "mdx"].includes(extension)) return "md";
  if (["html", "htm", "xhtml"].includes(extension)) return "html";
  if (["csv", "tsv"].includes(extension)) return "csv";
  if (extension === "txt") return "txt";
  if (mime === "text/markdown") return "md";
  if (mime === "text/html" || mime === "application/xhtml+xml") return "html";
  if (mime === "text/csv") return "csv";
  if (/^\s*(<!doctype html|<html[\s>])/i.test(text)) return "html";
  if (/^ {0,3}#{1,6}[ \t]+\S/m.test(text)) return "md";
  return "txt";
}

// ---------------------------------------------------------------- plain text and markdown

/** Removes control characters (keeping tab, line feed, form feed) and unifies line endings. */
function cleanText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F\u200B\uFEFF]/g, "");
}

function plainSections(text: string, heading = ""): Section[] {
  const body = cleanText(text).trim();
  return body ? [{ heading, text: body }] : [];
}

/** Sections from pasted text or Markdown: ATX (`#`) and setext headings become the heading path; code fences are left alone. */
export function textToSections(title: string, text: string): ExtractedText {
  const lines = cleanText(text)
    .replace(/^---\n[\s\S]*?\n---\n/, "") // YAML front matter is metadata, not content
    .split("\n");
  const sections: Section[] = [];
  const path: { level: number; text: string }[] = [];
  let body: string[] = [];
  let fence: string | undefined;
  let firstHeading: string | undefined;

  const flush = () => {
    const content = body.join("\n").trim();
    if (content) sections.push({ heading: path.map((h) => h.text).join(HEADING_SEPARATOR), text: content });
    body = [];
  };
  const enter = (level: number, headingText: string) => {
    flush();
    while (path.length && path[path.length - 1]!.level >= level) path.pop();
    if (headingText) path.push({ level, text: headingText });
    if (level === 1) firstHeading ??= headingText || undefined;
  };

  for (const line of lines) {
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fenceMark && (!fence || (fenceMark[0] === fence[0] && fenceMark.length >= fence.length))) {
      fence = fence ? undefined : fenceMark;
      body.push(line);
      continue;
    }
    if (fence) {
      body.push(line);
      continue;
    }
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/.exec(line);
    if (atx) {
      enter(atx[1]!.length, (atx[2] ?? "").replace(/(^|[ \t]+)#+$/, "").trim());
      continue;
    }
    const previous = body[body.length - 1]?.trim();
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(line);
    // Only directly under a paragraph line: a lone "---" after a blank line is a thematic break.
    if (setext && previous && !/^([-*+>]|\d+[.)])\s/.test(previous)) {
      body.pop();
      enter(setext[1]![0] === "=" ? 1 : 2, previous);
      continue;
    }
    body.push(line);
  }
  flush();
  return { title: title.trim() || firstHeading || "", sections };
}

// ---------------------------------------------------------------- HTML

/** Never content: scripts, styles and page chrome. */
const STRIPPED =
  "script, style, noscript, template, nav, footer, svg, canvas, iframe, object, embed, select, button, [hidden], [aria-hidden=true]";
const BLOCKS = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "dd",
  "details",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "form",
  "header",
  "hr",
  "li",
  "main",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "thead",
  "tfoot",
  "tr",
  "ul",
]);

/** Sections from an HTML page: h1–h6 build the heading path, main/article content is preferred, chrome is dropped. */
export function extractHtml(html: string, url?: string): ExtractedText {
  const root = parseHtml(cleanText(html), { comment: false });
  root.querySelectorAll(STRIPPED).forEach((el) => el.remove());

  const firstH1 = root.querySelector("h1")?.text;
  const title =
    collapse(root.querySelector("title")?.text ?? "") || collapse(firstH1 ?? "") || (url ? urlTitle(url) : "");
  root.querySelectorAll("head, title").forEach((el) => el.remove());

  const mains = root.querySelectorAll("main, [role=main]");
  const articles = root.querySelectorAll("article");
  const candidates = [
    mains.length ? mains : undefined,
    articles.length ? articles : undefined,
    [root.querySelector("body") ?? root],
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const sections = htmlSections(candidate);
    if (sections.length) return { title, sections };
  }
  return { title, sections: [] };
}

function urlTitle(url: string): string {
  try {
    const { hostname, pathname } = new URL(url);
    return hostname + (pathname === "/" ? "" : decodeURIComponent(pathname));
  } catch {
    return url;
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function htmlSections(roots: HTMLElement[]): Section[] {
  const sections: Section[] = [];
  const path: { level: number; text: string }[] = [];
  let paragraphs: string[] = [];
  let inline = "";

  const endParagraph = () => {
    const text = inline
      .split("\n")
      .map((line) => line.replace(/ {2,}/g, " ").trim())
      .join("\n")
      .trim();
    if (text) paragraphs.push(text);
    inline = "";
  };
  const endSection = () => {
    endParagraph();
    if (paragraphs.length)
      sections.push({ heading: path.map((h) => h.text).join(HEADING_SEPARATOR), text: paragraphs.join("\n\n") });
    paragraphs = [];
  };

  const walk = (node: HtmlNode) => {
    if (node instanceof TextNode) {
      inline += node.text.replace(/\s+/g, " "); // .text decodes entities
      return;
    }
    if (!(node instanceof HTMLElement)) return;
    const tag = node.tagName?.toLowerCase() ?? "";
    const level = /^h([1-6])$/.exec(tag)?.[1];
    if (level) {
      endSection();
      const text = collapse(node.text);
      while (path.length && path[path.length - 1]!.level >= Number(level)) path.pop();
      if (text) path.push({ level: Number(level), text });
      return;
    }
    if (tag === "br") {
      inline += "\n";
      return;
    }
    if (tag === "pre") {
      endParagraph();
      const text = node.text.replace(/^\n+|\s+$/g, "");
      if (text) paragraphs.push(text);
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) endParagraph();
    if (tag === "td" || tag === "th") inline += " ";
    node.childNodes.forEach(walk);
    if (tag === "td" || tag === "th") inline += " ";
    if (block) endParagraph();
  };

  roots.forEach((root) => {
    walk(root);
    endParagraph();
  });
  endSection();
  return sections;
}

// ---------------------------------------------------------------- CSV

/** Each data row becomes one paragraph "Header: value; Header: value" so a row is retrievable on its own. */
function extractCsv(text: string, delimiter = sniffDelimiter(text)): ExtractedText | { reason: string } {
  let rows: string[][];
  try {
    rows = parseCsv(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    return { reason: `The CSV file could not be parsed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const [header = [], ...data] = rows;
  const names = header.map((name, i) => collapse(name) || `Column ${i + 1}`);
  const lines = data
    .map((row) =>
      row
        .map((value, i) => [names[i] ?? `Column ${i + 1}`, collapse(value)] as const)
        .filter(([, value]) => value)
        .map(([name, value]) => `${name}: ${value}`)
        .join("; "),
    )
    .filter(Boolean);
  return { title: "", sections: lines.length ? [{ heading: "", text: lines.join("\n\n") }] : [] };
}

/** The most frequent of , ; tab | outside quotes on the first line (Excel in many locales writes ";"). */
function sniffDelimiter(text: string): string {
  const firstLine = (text.split("\n", 1)[0] ?? "").replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t", "|"].map((d) => [d, firstLine.split(d).length - 1] as const);
  const [best, count] = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return count > 0 ? best : ",";
}

// ---------------------------------------------------------------- DOCX

/** undefined when the ZIP has no word/document.xml (not a Word document); a reason when it is one but unreadable. */
async function extractDocx(
  bytes: Uint8Array,
  fallbackTitle: string,
): Promise<ExtractedText | { reason: string } | undefined> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    return { reason: "The Word document could not be read; it may be damaged." };
  }
  if (!zip.file("word/document.xml")) return undefined;
  if (!(await xmlWithinLimit(zip))) return { reason: "The Word document expands to too much data to process." };

  let html: string;
  try {
    ({ value: html } = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        externalFileAccess: false, // linked files could point anywhere on the server's disk
        convertImage: mammoth.images.imgElement(async () => ({ src: "" })), // images carry no text; don't inflate them
      },
    ));
  } catch {
    return { reason: "The Word document could not be read; it may be damaged." };
  }
  const { title, sections } = extractHtml(html);
  return { title: title || fallbackTitle, sections };
}

/** Inflates every XML part mammoth may read, counting real bytes (sizes declared in the ZIP can lie). */
async function xmlWithinLimit(zip: JSZip): Promise<boolean> {
  let total = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir || !/\.(xml|rels)$/i.test(entry.name)) continue;
    const withinLimit = await new Promise<boolean>((resolve, reject) => {
      const stream = entry.nodeStream("nodebuffer");
      stream
        .on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total <= MAX_DOCX_XML_BYTES) return;
          stream.pause(); // stops jszip inflating the rest
          resolve(false);
        })
        .on("error", reject)
        .on("end", () => resolve(true));
    });
    if (!withinLimit) return false;
  }
  return true;
}

// ---------------------------------------------------------------- PDF

async function extractPdf(
  bytes: Uint8Array,
  fallbackTitle: string,
  limits: ExtractLimits,
): Promise<ExtractedText | { reason: string }> {
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    data: bytes.slice(), // pdf.js may transfer (detach) the buffer it is given
    isEvalSupported: false, // never compile code from the document's fonts
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  try {
    let doc;
    try {
      doc = await task.promise;
    } catch (error) {
      if (error instanceof Error && error.name === "PasswordException")
        return { reason: "The PDF is password-protected; upload an unprotected copy." };
      return { reason: "The PDF could not be read; it may be damaged." };
    }
    if (doc.numPages > limits.maxPages) return { reason: tooManyPagesReason(doc.numPages, limits.maxPages) };
    const info = (await doc.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const sections: Section[] = [];
    let chars = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = pageText(content.items.filter((item): item is TextItem => "str" in item));
      if (text) sections.push({ heading: `Page ${n}`, text });
      page.cleanup();
      chars += text.length;
      if (chars > limits.maxChars) return { reason: tooMuchTextReason(limits.maxChars) };
    }
    const title = typeof info?.Title === "string" ? collapse(info.Title) : "";
    return { title: title || fallbackTitle, sections };
  } finally {
    await task.destroy();
  }
}

/** Joins positioned text runs: a space where runs are apart, a line break where the baseline moves, a blank line for a wide gap. */
function pageText(items: TextItem[]): string {
  let out = "";
  let previous: { x: number; y: number; size: number } | undefined;
  for (const item of items) {
    const [, , , scaleY = 0, x = 0, y = 0] = item.transform as number[];
    const size = Math.abs(item.height || scaleY) || 10;
    if (previous) {
      const dy = Math.abs(previous.y - y);
      if (dy > size * 0.5) {
        if (!out.endsWith("\n")) out += "\n";
        if (dy > Math.max(size, previous.size) * 1.8 && !out.endsWith("\n\n")) out += "\n";
      } else if (x - previous.x > size * 0.15 && !/\s$/.test(out) && !/^\s/.test(item.str)) {
        out += " ";
      }
    }
    out += item.str;
    if (item.hasEOL) out += "\n";
    if (item.str) previous = { x: x + item.width, y, size };
  }
  return cleanText(out)
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

type Pdfjs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjsPromise: Promise<Pdfjs> | undefined;

/** Loaded on first use (it is large) with its worker on the main thread: no worker file to locate in a bundled server. */
function loadPdfjs(): Promise<Pdfjs> {
  pdfjsPromise ??= (async () => {
    const worker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
    return import("pdfjs-dist/legacy/build/pdf.mjs");
  })();
  return pdfjsPromise;
}

import { revalidatePath } from "next/cache";
import { fileTypeFromBuffer } from "file-type";
import { getDb } from "@/db";
import { getBot } from "@/db/queries/bots";
import { insertSource } from "@/db/queries/knowledge";
import { MAX_UPLOAD_BYTES } from "@/lib/knowledge/extract";
import { withArticle } from "@/lib/format";
import { wakeIngestionWorker } from "@/lib/knowledge/worker";
import { requireWorkspace } from "@/lib/session";

/** Room for the multipart framing and the title around the file itself. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;
const SUPPORTED = "Upload a PDF, Word (.docx), Markdown, HTML, CSV or plain text file.";

function fail(status: number, error: string) {
  return Response.json({ ok: false, error }, { status });
}

/**
 * Uploads one file as a knowledge source (a route handler, not a server action: actions take at
 * most 1 MB). The bytes are stored for re-syncs; the worker reads them, deciding the type from the content.
 */
export async function POST(req: Request, ctx: { params: Promise<{ botId: string }> }) {
  const { botId } = await ctx.params;
  // Same-origin only, as Next does for server actions: a cookie alone must not be enough.
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!origin || !host || safeHost(origin) !== host) return fail(403, "This upload did not come from the dashboard.");

  const { workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return fail(403, "Your role cannot change bots. Ask an owner or admin.");
  const db = await getDb();
  if (!(await getBot(db, { workspaceId: workspace.id, botId }))) return fail(404, "This bot no longer exists.");

  const tooLarge = `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Split it into smaller files.`;
  if (Number(req.headers.get("content-length")) > MAX_BODY_BYTES) return fail(413, tooLarge);
  const body = await readCapped(req, MAX_BODY_BYTES);
  if (!body) return fail(413, tooLarge);
  let form: FormData;
  try {
    form = await new Response(new Blob([body]), {
      headers: { "content-type": req.headers.get("content-type") ?? "" },
    }).formData();
  } catch {
    return fail(400, "The upload was not a file form.");
  }
  const file = form.get("file");
  if (!(file instanceof File)) return fail(400, "Choose a file to upload.");
  if (file.size === 0) return fail(400, `“${file.name}” is empty.`);
  if (file.size > MAX_UPLOAD_BYTES) return fail(413, tooLarge);
  const bytes = Buffer.from(await file.arrayBuffer());

  // Obvious mismatches (an image, an archive, an old .doc) are refused now; everything else is judged by the worker.
  const sniffed = await fileTypeFromBuffer(bytes);
  if (sniffed && !["pdf", "docx", "zip", "xml"].includes(sniffed.ext) && !sniffed.mime.startsWith("text/")) {
    const what =
      sniffed.ext === "cfb"
        ? "an old Office file (.doc, .xls, .ppt); save it as .docx or PDF"
        : `${withArticle(sniffed.ext.toUpperCase())} file`;
    return fail(415, `“${file.name}” is ${what}. ${SUPPORTED}`);
  }

  const name = file.name.replaceAll("\u0000", "").slice(0, 200) || "Untitled";
  const title =
    String(form.get("title") ?? "")
      .replaceAll("\u0000", "")
      .trim()
      .slice(0, 200) || name;
  const source = await insertSource(db, {
    workspaceId: workspace.id,
    botId,
    kind: "file",
    title,
    fileData: bytes,
    fileName: name,
    mimeType: file.type || null,
  });
  wakeIngestionWorker();
  revalidatePath(`/bots/${botId}`);
  return Response.json({ ok: true, sourceId: source.id, title });
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** The body, or null once it passes `limit` bytes (a lying or missing Content-Length included). */
async function readCapped(req: Request, limit: number): Promise<Buffer<ArrayBuffer> | null> {
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

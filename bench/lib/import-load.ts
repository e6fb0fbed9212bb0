import { eq } from "drizzle-orm";
import { openDb } from "@/db";
import { insertSource } from "@/db/queries/knowledge";
import { knowledgeSources } from "@/db/schema";
import { makeSharedStreamPdf } from "../../tests/fixtures/knowledge/make-pdf";

/**
 * The hostile import of issue 13 for the benchmark's row (10): a small PDF whose pages share one large
 * compressed text stream (every page inflates it again), queued as a bot's source on the bench database,
 * for the app under measurement to read in its import thread while the Chat API is measured.
 */
export type HostileImport = {
  sourceId: string;
  /** The source's status now: queued, processing, ready or failed. */
  status(): Promise<string>;
  /** Waits until the import has started (processing) or has already ended. */
  started(timeoutMs: number): Promise<string>;
  /** Waits until it has ended (ready or failed, within the import's own time limit); its status and seconds. */
  settled(timeoutMs: number): Promise<{ status: string; seconds: number }>;
  close(): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function queueHostileImport(
  url: string,
  { workspaceId, botId, pages }: { workspaceId: string; botId: string; pages: number },
): Promise<HostileImport> {
  const handle = await openDb({ url, poolMax: 1 });
  const pdf = Buffer.from(makeSharedStreamPdf({ pages, streamBytes: 1e6 }));
  const queuedAt = performance.now();
  const row = await insertSource(handle.db, {
    workspaceId,
    botId,
    kind: "file",
    title: "hostile.pdf",
    fileName: "hostile.pdf",
    fileData: pdf,
    mimeType: "application/pdf",
  });
  const status = async () => {
    const [r] = await handle.db
      .select({ status: knowledgeSources.status })
      .from(knowledgeSources)
      .where(eq(knowledgeSources.id, row.id));
    return r?.status ?? "missing";
  };
  const until = async (done: (s: string) => boolean, timeoutMs: number) => {
    const end = performance.now() + timeoutMs;
    let s = await status();
    while (!done(s) && performance.now() < end) {
      await sleep(200);
      s = await status();
    }
    return s;
  };
  return {
    sourceId: row.id,
    status,
    started: (timeoutMs) => until((s) => s !== "queued", timeoutMs),
    async settled(timeoutMs) {
      const s = await until((x) => x === "ready" || x === "failed", timeoutMs);
      return { status: s, seconds: (performance.now() - queuedAt) / 1000 };
    },
    close: () => handle.close(),
  };
}

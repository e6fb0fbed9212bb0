import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { knowledgeChunks, knowledgeSources, type KnowledgeSource } from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot } from "@/db/queries/bots";
import {
  claimNextSource,
  deleteSource,
  insertSource,
  listSources,
  markSourceFailed,
  replaceSourceChunks,
  requeueSource,
  type NewSource,
} from "@/db/queries/knowledge";
import { importSourceNow, processNextSource } from "@/lib/knowledge/ingest";
import { fullTextRetriever } from "@/lib/knowledge/retrieve";
import { makeDocx } from "./fixtures/knowledge/make-docx";
import { makePdf } from "./fixtures/knowledge/make-pdf";
import { openTestDb } from "./db";

let h: DbHandle;
let workspaceId: string;
let botId: string;

const quiet = { retryDelayMs: 0 };

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
  const made = await createUserWithWorkspace(h.db, {
    email: "ingest@example.com",
    name: "I",
    passwordHash: "x",
    workspaceName: "Ingest",
  });
  workspaceId = made!.workspace.id;
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  botId = (await createBot(h.db, { workspaceId, name: "Docs bot", actorUserId: null })).id;
});

async function drain(): Promise<number> {
  let n = 0;
  while (await processNextSource(h.db, quiet)) n++;
  return n;
}

async function source(id: string): Promise<KnowledgeSource> {
  const [row] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, id));
  return row!;
}

async function chunksOf(sourceId: string) {
  return h.db
    .select()
    .from(knowledgeChunks)
    .where(eq(knowledgeChunks.sourceId, sourceId))
    .orderBy(knowledgeChunks.position);
}

const file = (fileName: string, bytes: Uint8Array | string, mimeType: string | null = null): NewSource => ({
  workspaceId,
  botId,
  kind: "file",
  title: fileName,
  fileName,
  fileData: Buffer.from(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes),
  mimeType,
});

describe("ingestion worker: every file type becomes searchable chunks", () => {
  it("imports .txt .md .html .pdf .docx and .csv through processNextSource", async () => {
    const docs: { source: NewSource; question: string; expect: RegExp }[] = [
      {
        source: file(
          "parking.txt",
          "Visitor parking is in the blue garage on Elm Street. The first two hours are free.",
          "text/plain",
        ),
        question: "where can visitors park",
        expect: /blue garage/,
      },
      {
        source: file(
          "warranty.md",
          "# Warranty\n\n## Coverage\n\nEvery kettle carries a five-year warranty against defects.\n\n## Claims\n\nSend a photo of the receipt.",
          "text/markdown",
        ),
        question: "how long is the kettle warranty",
        expect: /five-year warranty/,
      },
      {
        source: file(
          "careers.html",
          "<!doctype html><html><head><title>Careers</title><script>var x = 'ignored';</script></head><body><nav>Menu</nav><main><h1>Jobs</h1><p>We are hiring a pastry chef for our bakery in Lisbon.</p></main></body></html>",
          "text/html",
        ),
        question: "are you hiring a pastry chef",
        expect: /pastry chef/,
      },
      {
        source: file(
          "handbook.pdf",
          makePdf({
            title: "Handbook",
            pages: [["Employees receive 28 vacation days per year."], ["Badges open the loading dock."]],
          }),
        ),
        question: "how many vacation days do employees get",
        expect: /28 vacation days/,
      },
      {
        source: file(
          "allergens.docx",
          await makeDocx([
            { text: "Allergens", heading: 1 },
            { text: "The hazelnut torte contains tree nuts and gluten." },
          ]),
        ),
        question: "does the hazelnut torte contain gluten",
        expect: /tree nuts and gluten/,
      },
      {
        source: file(
          "stores.csv",
          "City,Address,Opens\nPorto,Rua das Flores 12,8am\nFaro,Avenida da Praia 3,9am\n",
          "text/csv",
        ),
        question: "what is the address of the Faro store",
        expect: /Avenida da Praia 3/,
      },
    ];
    const ids: string[] = [];
    for (const doc of docs) ids.push((await insertSource(h.db, doc.source)).id);
    expect(await drain()).toBe(docs.length);

    for (const [i, doc] of docs.entries()) {
      const row = await source(ids[i]!);
      expect(row.status, `${doc.source.fileName}: ${row.error}`).toBe("ready");
      expect(row.chunkCount).toBeGreaterThan(0);
      expect(row.progress).toBe(100);
      expect(row.lastSyncedAt).toBeInstanceOf(Date);
      expect(row.lockedUntil).toBeNull();
      expect(row.fileData?.length).toBeGreaterThan(0); // kept for re-sync
      expect(await chunksOf(ids[i]!)).toHaveLength(row.chunkCount);
      const [top] = (await fullTextRetriever.retrieve(h.db, { botId, query: doc.question, k: 3 })).passages;
      expect(top?.sourceId, doc.question).toBe(ids[i]);
      expect(top?.content).toMatch(doc.expect);
      expect(top?.title).toBe(doc.source.title);
    }
  });

  it("returns false when there is nothing to do", async () => {
    await drain();
    expect(await processNextSource(h.db, quiet)).toBe(false);
  });
});

describe("ingestion worker: failures", () => {
  it("marks a malformed file failed with a reason and leaves other sources untouched", async () => {
    const good = await insertSource(h.db, file("faq.md", "# FAQ\n\nOur hotline number is 555-0199.", "text/markdown"));
    await drain();
    const before = await chunksOf(good.id);
    expect(before.length).toBeGreaterThan(0);

    const broken = await insertSource(h.db, file("report.pdf", "%PDF-1.7\nthis is not really a pdf at all\n%%EOF"));
    const image = await insertSource(
      h.db,
      file(
        "logo.txt",
        Buffer.from(
          "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
          "base64",
        ),
      ),
    );
    const empty = await insertSource(h.db, file("blank.txt", "   \n\n  "));
    const zip = await insertSource(h.db, file("fake.docx", "PK\u0003\u0004 not a zip"));
    const sibling = await insertSource(h.db, file("hours.txt", "The shop opens at 10am on Sundays.", "text/plain"));
    await drain();

    const failed = await source(broken.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/PDF could not be read|damaged/);
    expect(failed.chunkCount).toBe(0);
    expect(failed.lockedUntil).toBeNull();
    expect((await source(image.id)).error).toMatch(/PNG/);
    expect((await source(empty.id)).status).toBe("failed");
    expect((await source(empty.id)).error).toMatch(/empty|No text/i);
    expect((await source(zip.id)).status).toBe("failed");
    expect(await chunksOf(broken.id)).toHaveLength(0);

    // The good sources, before and after the failures, are as they were.
    expect((await source(good.id)).status).toBe("ready");
    expect((await chunksOf(good.id)).map((c) => c.content)).toEqual(before.map((c) => c.content));
    expect((await source(sibling.id)).status).toBe("ready");
    const [hit] = (await fullTextRetriever.retrieve(h.db, { botId, query: "hotline number" })).passages;
    expect(hit?.sourceId).toBe(good.id);
  });

  it("keeps a source's previous chunks searchable when its re-sync fails", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "url",
      title: "Old page",
      input: "http://10.0.0.1/page",
    });
    await replaceSourceChunks(h.db, {
      sourceId: src.id,
      botId,
      title: "Old page",
      chunks: [{ heading: "", content: "Gift cards never expire.", position: 0 }],
    });
    expect(await requeueSource(h.db, { workspaceId, botId, sourceId: src.id })).toBe("queued");
    await processNextSource(h.db, { ...quiet, allowLoopback: false });
    const row = await source(src.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/private address/);
    expect(row.chunkCount).toBe(1);
    const [hit] = (await fullTextRetriever.retrieve(h.db, { botId, query: "do gift cards expire" })).passages;
    expect(hit?.sourceId).toBe(src.id);
  });
});

describe("ingestion worker: claims, leases and restarts", () => {
  it("resumes a source left processing by a worker that died once its lease has run out", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "text",
      title: "Holidays",
      input: "We close on the first Monday of August.",
    });
    // A worker claimed it and the server restarted mid-import: status processing, lease in the past.
    await h.db
      .update(knowledgeSources)
      .set({ status: "processing", attempts: 1, progress: 40, lockedUntil: sql`now() - interval '1 minute'` })
      .where(eq(knowledgeSources.id, src.id));
    expect(await processNextSource(h.db, quiet)).toBe(true);
    const row = await source(src.id);
    expect(row.status).toBe("ready");
    expect(row.attempts).toBe(2);
    expect(row.chunkCount).toBe(1);
  });

  it("leaves a source alone while another worker's lease on it is live", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "text",
      title: "Busy",
      input: "Somebody else is importing this.",
    });
    await h.db
      .update(knowledgeSources)
      .set({ status: "processing", attempts: 1, lockedUntil: sql`now() + interval '1 minute'` })
      .where(eq(knowledgeSources.id, src.id));
    expect(await processNextSource(h.db, quiet)).toBe(false);
    expect((await source(src.id)).status).toBe("processing");
    await h.db.delete(knowledgeSources).where(eq(knowledgeSources.id, src.id));
  });

  it("gives up on a source whose import died too many times, with a reason", async () => {
    const src = await insertSource(h.db, { workspaceId, botId, kind: "text", title: "Cursed", input: "x" });
    await h.db
      .update(knowledgeSources)
      .set({ status: "processing", attempts: 3, lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(knowledgeSources.id, src.id));
    expect(await processNextSource(h.db, quiet)).toBe(false);
    const row = await source(src.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/interrupted 3 times/);
    expect(row.lockedUntil).toBeNull();
  });

  it("never lets two workers claim the same source", async () => {
    await drain();
    const ids = await Promise.all(
      [1, 2, 3].map(
        async (n) =>
          (
            await insertSource(h.db, {
              workspaceId,
              botId,
              kind: "text",
              title: `Doc ${n}`,
              input: `Document number ${n}.`,
            })
          ).id,
      ),
    );
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimNextSource(h.db, { leaseMs: 60_000, maxAttempts: 3 })),
    );
    const claimed = claims.filter(Boolean).map((c) => c!.id);
    expect(claimed.sort()).toEqual([...ids].sort());
    await h.db.delete(knowledgeSources).where(sql`${knowledgeSources.id} in ${ids}`);
  });

  it("does not store chunks for a source deleted while it was being imported", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "text",
      title: "Doomed",
      input: "Short-lived knowledge.",
    });
    const claimed = (await claimNextSource(h.db, { leaseMs: 60_000, maxAttempts: 3 }))!;
    expect(claimed.id).toBe(src.id);
    await deleteSource(h.db, { workspaceId, botId, sourceId: src.id });
    const stored = await replaceSourceChunks(h.db, {
      sourceId: src.id,
      botId,
      title: "Doomed",
      chunks: [{ heading: "", content: "Short-lived knowledge.", position: 0 }],
      claim: { sourceId: src.id, attempt: claimed.attempts },
    });
    expect(stored).toBe(false);
    expect(await chunksOf(src.id)).toHaveLength(0);
  });

  it("ignores a stale worker's result once the source was reclaimed", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "text",
      title: "Reclaimed",
      input: "Fresh content.",
    });
    const first = (await claimNextSource(h.db, { leaseMs: 60_000, maxAttempts: 3 }))!;
    await h.db
      .update(knowledgeSources)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(knowledgeSources.id, src.id));
    const second = (await claimNextSource(h.db, { leaseMs: 60_000, maxAttempts: 3 }))!;
    expect(second.attempts).toBe(first.attempts + 1);
    expect(
      await markSourceFailed(h.db, src.id, "stale worker gave up", { sourceId: src.id, attempt: first.attempts }),
    ).toBe(false);
    expect((await source(src.id)).status).toBe("processing");
    await h.db.delete(knowledgeSources).where(eq(knowledgeSources.id, src.id));
  });

  it("imports pasted text at once through the same claim, and refuses a re-sync while one is running", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "text",
      title: "Now",
      input: "# Delivery\n\nWe deliver within the city on bicycles.",
    });
    expect(await importSourceNow(h.db, src.id, quiet)).toBe(true);
    expect((await source(src.id)).status).toBe("ready");
    expect(await importSourceNow(h.db, src.id, quiet)).toBe(false); // nothing queued any more

    expect(await requeueSource(h.db, { workspaceId, botId, sourceId: src.id })).toBe("queued");
    expect(await requeueSource(h.db, { workspaceId, botId, sourceId: src.id })).toBe("importing");
    expect((await chunksOf(src.id)).length).toBe(1); // still searchable while queued
    await drain();
    expect((await source(src.id)).status).toBe("ready");
  });

  it("scopes source listing, re-sync and deletion by workspace and bot", async () => {
    const other = await createUserWithWorkspace(h.db, {
      email: "other-src@example.com",
      name: "O",
      passwordHash: "x",
      workspaceName: "Other",
    });
    const src = await insertSource(h.db, { workspaceId, botId, kind: "text", title: "Mine", input: "Mine only." });
    await drain();
    const foreign = { workspaceId: other!.workspace.id, botId, sourceId: src.id };
    expect(await listSources(h.db, { workspaceId: other!.workspace.id, botId })).toEqual([]);
    expect(await requeueSource(h.db, foreign)).toBe("not_found");
    expect(await deleteSource(h.db, foreign)).toBeUndefined();
    expect((await source(src.id)).status).toBe("ready");
    const [row] = await h.db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(knowledgeChunks)
      .where(and(eq(knowledgeChunks.sourceId, src.id)));
    expect(row!.n).toBe(1);
  });
});

import { monitorEventLoopDelay } from "node:perf_hooks";
import { setImmediate } from "node:timers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { knowledgeChunks, knowledgeSources, type KnowledgeSource } from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot } from "@/db/queries/bots";
import { claimNextSource, insertSource, type NewSource } from "@/db/queries/knowledge";
import { processNextSource } from "@/lib/knowledge/ingest";
import { fullTextRetriever } from "@/lib/knowledge/retrieve";
import { makeManyPagesPdf, makePdf, makeSharedStreamPdf } from "./fixtures/knowledge/make-pdf";
import { openTestDb } from "./db";

let h: DbHandle;

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
});
afterAll(async () => {
  await h.close();
});

async function workspaceWithBot(name: string) {
  const made = await createUserWithWorkspace(h.db, {
    email: `${name}@example.com`,
    name,
    passwordHash: "x",
    workspaceName: name,
  });
  const workspaceId = made!.workspace.id;
  const botId = (await createBot(h.db, { workspaceId, name: `${name} bot`, actorUserId: null })).id;
  return { workspaceId, botId };
}

const pdf = (w: { workspaceId: string; botId: string }, fileName: string, bytes: Uint8Array): NewSource => ({
  ...w,
  kind: "file",
  title: fileName,
  fileName,
  fileData: Buffer.from(bytes),
  mimeType: "application/pdf",
});

async function source(id: string): Promise<KnowledgeSource> {
  const [row] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, id));
  return row!;
}

describe("imports never touch serving (issue 13, finding 1)", () => {
  it(
    "hostile PDFs are read in worker threads within limits while the event loop stays responsive",
    { timeout: 180_000 },
    async () => {
      const a = await workspaceWithBot("hostile-a");
      const b = await workspaceWithBot("hostile-b");
      const c = await workspaceWithBot("bystander");
      // 50 pages sharing one compressed stream of 1 MB of text operators (~12 KB on disk; over 20 s
      // of parsing), and 30,000 pages (~5 MB).
      const many = await insertSource(h.db, pdf(b, "many.pdf", makeManyPagesPdf(30_000)));
      const fine = await insertSource(
        h.db,
        pdf(c, "fine.pdf", makePdf({ pages: [["Our warehouse ships parcels every weekday morning."]] })),
      );

      // This process keeps serving meanwhile: one retrieval statement after another, as the Chat API
      // runs them, while the event loop's delay is recorded.
      const serveDuring = async <T>(work: (served: () => number) => Promise<T>) => {
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        let serving = true;
        let served = 0;
        const serve = (async () => {
          while (serving) {
            await fullTextRetriever.retrieve(h.db, { botId: c.botId, query: "warehouse parcels", k: 3 });
            served++;
            await new Promise((resolve) => setImmediate(resolve)); // timers run between requests
          }
        })();
        const result = await work(() => served);
        serving = false;
        await serve;
        loop.disable();
        return { result, served, maxMs: loop.max / 1e6 };
      };
      // What a busy machine (CI, shared cores) does to the delay without any import: 300 requests.
      const baseline = await serveDuring(async (served) => {
        while (served() < 300) await new Promise((resolve) => setImmediate(resolve));
      });

      const during = await serveDuring(async () => {
        // The page count is checked before any page is read; a generous time limit is not what stops it.
        const first = await Promise.all([
          processNextSource(h.db, { limits: { maxPages: 2000 } }),
          processNextSource(h.db, { limits: { maxPages: 2000 } }),
        ]);
        // Then a time limit of 5 s stops the shared stream (tens of seconds of parsing otherwise).
        const shared = await insertSource(
          h.db,
          pdf(a, "shared.pdf", makeSharedStreamPdf({ pages: 50, streamBytes: 1e6 })),
        );
        const second = await processNextSource(h.db, { limits: { timeMs: 5000 } });
        return { processed: [...first, second], shared };
      });
      const { processed, shared } = during.result;

      expect(processed).toEqual([true, true, true]);
      expect(during.served).toBeGreaterThan(0);
      // Parsed on the event loop, these files would block it for seconds (the shared stream alone runs
      // until its 5 s limit). In workers the delay stays near the machine's own (tens of ms idle; a few
      // hundred while PGlite, which runs its queries on this thread, stores chunks on two busy cores). The
      // bound separates the two without being a speed goal: those live in npm run bench.
      expect(
        during.maxMs,
        `event-loop delay peaked at ${during.maxMs.toFixed(0)} ms (${baseline.maxMs.toFixed(0)} ms without imports)`,
      ).toBeLessThan(1500 + baseline.maxMs);

      const s = await source(shared.id);
      expect(s.status).toBe("failed");
      expect(s.error).toMatch(/longer than 5 seconds/);
      const m = await source(many.id);
      expect(m.status).toBe("failed");
      expect(m.error).toMatch(/30,000 pages; at most 2,000/);
      const f = await source(fine.id);
      expect(f.status).toBe("ready");
      expect(await h.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.sourceId, fine.id))).toHaveLength(1);

      // A source over a limit is an answer, not a crash: it is never claimed again.
      expect([s.attempts, m.attempts]).toEqual([1, 1]);
      expect(await processNextSource(h.db)).toBe(false);
    },
  );

  it("a source that needs more memory than the limit is marked failed with the reason", async () => {
    const w = await workspaceWithBot("memory");
    const lines = Array.from({ length: 2000 }, (_, i) => `Line ${i} of a long document about shipping and returns.`);
    const big = await insertSource(
      h.db,
      pdf(w, "big.pdf", makePdf({ pages: Array.from({ length: 20 }, () => lines) })),
    );
    expect(await processNextSource(h.db, { limits: { memoryMb: 24 } })).toBe(true);
    const row = await source(big.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/more than 24 MB of memory/);
    expect(await processNextSource(h.db, { limits: { memoryMb: 24 } })).toBe(false);
  });

  it("text over the character limit stops during extraction", async () => {
    const w = await workspaceWithBot("chars");
    const page = Array.from({ length: 40 }, () => "A line of text that is about sixty characters long, or so.");
    const long = await insertSource(
      h.db,
      pdf(w, "long.pdf", makePdf({ pages: Array.from({ length: 20 }, () => page) })),
    );
    expect(await processNextSource(h.db, { limits: { maxChars: 10_000 } })).toBe(true);
    const row = await source(long.id);
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/more than 10,000 characters/);
  });

  it("a workspace runs at most its share of imports at once; other workspaces are not held up", async () => {
    const busy = await workspaceWithBot("busy");
    const other = await workspaceWithBot("other");
    const text = (w: { workspaceId: string; botId: string }, title: string): NewSource => ({
      ...w,
      kind: "text",
      title,
      input: `${title}: opening hours are nine to five.`,
    });
    const first = await insertSource(h.db, text(busy, "first"));
    const second = await insertSource(h.db, text(busy, "second"));
    const third = await insertSource(h.db, text(other, "third"));
    const claim = { leaseMs: 60_000, maxAttempts: 3, perWorkspace: 1 };
    expect((await claimNextSource(h.db, claim))?.id).toBe(first.id);
    // "busy" has one import running: the next claim skips its queue and takes the other workspace's.
    expect((await claimNextSource(h.db, claim))?.id).toBe(third.id);
    expect(await claimNextSource(h.db, claim)).toBeUndefined();
    expect((await claimNextSource(h.db, { ...claim, perWorkspace: 2 }))?.id).toBe(second.id);
  });
});

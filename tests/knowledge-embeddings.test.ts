import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { knowledgeSources } from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot } from "@/db/queries/bots";
import { hasPgvector, nearestChunksSql, RESCORE_CANDIDATES, storeEmbeddings } from "@/db/queries/embeddings";
import { normalize } from "@/lib/knowledge/embeddings";
import { insertSource, listSources, replaceSourceChunks } from "@/db/queries/knowledge";
import { embedAll, embedNextBatch } from "@/lib/knowledge/embed";
import { embeddingConfigFromEnv, type EmbeddingConfig } from "@/lib/knowledge/embeddings";
import { processNextSource } from "@/lib/knowledge/ingest";
import { fullTextRetriever } from "@/lib/knowledge/retrieve";
import { fuseRankings, hybridRetriever } from "@/lib/knowledge/hybrid";
import { generateReply } from "@/lib/chat/reply";
import type { Passage } from "@/lib/engine/types";
import { bots } from "@/db/schema";
import { vectorSearch } from "@/lib/knowledge/vector-search";
import { setLogSink } from "@/lib/log";
import { EMBEDDING_DIMS, startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";
import { openTestDb } from "./db";

let h: DbHandle;
let server: OpenAiServer;
let workspaceId: string;
let botId: string;

/**
 * The paraphrase pair: the question shares no word with the passage (after English stemming and
 * stopwords), so full text cannot find it; the fixture's embedding server puts "reimbursed" and
 * "cash" on one concept, so meaning can.
 */
const PASSAGE = "Reimbursement policy. Purchases are reimbursed in full within thirty days.";
const PARAPHRASE = "Can I get my cash back?";
const KNOWLEDGE = [
  "## Opening hours",
  "",
  "The shop opens at nine every weekday and closes at six.",
  "",
  "## Parking",
  "",
  "Customers can leave their car in the garage behind the building.",
  "",
  "## Reimbursement",
  "",
  PASSAGE,
].join("\n");

const config = (model = "fixture-embed-a", extra: Partial<EmbeddingConfig> = {}): EmbeddingConfig => ({
  ...embeddingConfigFromEnv({ EMBEDDING_MODEL: model, EMBEDDING_BASE_URL: server.url })!,
  // Deadlines far beyond any machine's load (the hang test sets its own).
  timeoutMs: 60_000,
  queryTimeoutMs: 60_000,
  ...extra,
});

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  server = await startOpenAiServer();
  h = await openTestDb();
  const made = await createUserWithWorkspace(h.db, {
    email: "embed@example.com",
    name: "E",
    passwordHash: "x",
    workspaceName: "Embeddings",
  });
  workspaceId = made!.workspace.id;
});
afterAll(async () => {
  await h.close();
  await server.close();
});
beforeEach(async () => {
  server.setEmbeddingMode("ok");
  // Each test starts with no source waiting for vectors (the embedding worker takes any bot's).
  await h.db.delete(knowledgeSources);
  botId = (await createBot(h.db, { workspaceId, name: "Shop bot", actorUserId: null })).id;
});

async function importText(text: string, title = "Shop policies") {
  const src = await insertSource(h.db, { workspaceId, botId, kind: "text", title, input: text });
  while (await processNextSource(h.db, { retryDelayMs: 0 }));
  return src.id;
}

async function sourceRow(id: string) {
  const [row] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, id));
  return row!;
}

async function vectorsOf(id: string) {
  return queryRows<{ model: string; dims: number; norm: number }>(
    h.db,
    sql`select e.model, e.dims, sqrt((select sum(x * x) from unnest(e.embedding) x))::float8 as norm
        from knowledge_embeddings e join knowledge_chunks c on c.id = e.chunk_id where c.source_id = ${id}`,
  );
}

describe("embedding storage", () => {
  it("uses pgvector on PGlite and the float-array fallback on a PostgreSQL without it", async () => {
    const available = await queryRows<{ n: number }>(
      h.db,
      sql`select count(*)::int as n from pg_available_extensions where name = 'vector'`,
    );
    expect(await hasPgvector(h.db)).toBe(Number(available[0]!.n) > 0);
    if (h.kind === "pglite") expect(await hasPgvector(h.db)).toBe(true);
  });
});

describe("nearest chunks of a bot bigger than the rescoring pool", () => {
  it("ranks like exact cosine over every chunk (sign-bit candidates, then exact rescoring)", async () => {
    const n = RESCORE_CANDIDATES + 200;
    const src = await insertSource(h.db, { workspaceId, botId, kind: "text", title: "Big", input: "x" });
    await replaceSourceChunks(h.db, {
      sourceId: src.id,
      botId,
      title: "Big",
      chunks: Array.from({ length: n }, (_, i) => ({ heading: "", content: `passage ${i}`, position: i })),
    });
    const ids = (
      await queryRows<{ id: number }>(
        h.db,
        sql`select id from knowledge_chunks where source_id = ${src.id} order by id`,
      )
    ).map((r) => Number(r.id));
    // Seeded pseudo-random vectors: the same every run.
    let seed = 42;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
    const vectors = ids.map((id) => ({ chunkId: id, embedding: normalize(Array.from({ length: 96 }, random)) }));
    await storeEmbeddings(h.db, { botId, model: "m", vectors });
    const query = normalize(Array.from({ length: 96 }, random));
    const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    const exact = [...vectors]
      .sort((a, b) => dot(b.embedding, query) - dot(a.embedding, query))
      .slice(0, 5)
      .map((v) => v.chunkId);
    for (const pgvector of (await hasPgvector(h.db)) ? [true, false] : [false]) {
      const rows = await queryRows<{ id: number }>(
        h.db,
        nearestChunksSql({ botId, model: "m", vector: query, k: 5, minSimilarity: -1, pgvector }),
      );
      expect(rows.map((r) => Number(r.id))).toEqual(exact);
    }
  });
});

describe("embedding at import", () => {
  it("gives every chunk a normalised vector of the model, with progress on the source, and finds a paraphrase by meaning only", async () => {
    const id = await importText(KNOWLEDGE);
    const imported = await sourceRow(id);
    expect(imported.status).toBe("ready");
    expect(imported.chunkCount).toBe(3); // one per section: ranking among them is what is tested
    expect(imported.embeddedModel).toBeNull();
    const before = (await listSources(h.db, { workspaceId, botId, embeddingModel: "fixture-embed-a" }))[0]!;
    expect(before.embeddedChunks).toBe(0);

    // One chunk per batch: progress is visible between batches.
    expect(await embedNextBatch(h.db, { config: config(), batchSize: 1 })).toBe(true);
    const partway = (await listSources(h.db, { workspaceId, botId, embeddingModel: "fixture-embed-a" }))[0]!;
    expect(partway.embeddedChunks).toBe(1);
    await embedAll(h.db, { config: config(), batchSize: 1 });

    const row = await sourceRow(id);
    expect(row.embeddedModel).toBe("fixture-embed-a");
    expect(row.embeddingError).toBeNull();
    const vectors = await vectorsOf(id);
    expect(vectors).toHaveLength(row.chunkCount);
    for (const v of vectors) {
      expect(v.model).toBe("fixture-embed-a");
      expect(Number(v.dims)).toBe(EMBEDDING_DIMS);
      expect(Number(v.norm)).toBeCloseTo(1, 4);
    }
    const after = (await listSources(h.db, { workspaceId, botId, embeddingModel: "fixture-embed-a" }))[0]!;
    expect(after.embeddedChunks).toBe(row.chunkCount);
    // Nothing left to do: the worker goes back to sleep.
    expect(await embedNextBatch(h.db, { config: config() })).toBe(false);

    // Full text cannot find the paraphrase (no shared word)…
    const lexical = (await fullTextRetriever.retrieve(h.db, { botId, query: PARAPHRASE, k: 5 })).passages;
    expect(lexical.some((p) => p.content.includes("reimbursed"))).toBe(false);
    // …the vector path can, and ranks it first.
    const found = await vectorSearch(h.db, { botId, query: PARAPHRASE, k: 3 }, config());
    expect(found?.[0]?.content).toContain("reimbursed in full");
    expect(found![0]!.score).toBeGreaterThan(0.5);
    // An unrelated question finds nothing above the similarity floor.
    expect(await vectorSearch(h.db, { botId, query: "Do you sell umbrellas?", k: 3 }, config())).toEqual([]);
  });

  it("does nothing and asks nothing when no embedding model is configured", async () => {
    const id = await importText(KNOWLEDGE);
    const calls = server.embeddingRequests.length;
    expect(embeddingConfigFromEnv({ LLM_BASE_URL: server.url, LLM_MODEL: "fixture" })).toBeNull();
    expect(await embedNextBatch(h.db, { config: null })).toBe(false);
    expect(await vectorSearch(h.db, { botId, query: PARAPHRASE, k: 3 }, null)).toBeNull();
    expect(server.embeddingRequests.length).toBe(calls);
    expect(await vectorsOf(id)).toEqual([]);
    const listed = (await listSources(h.db, { workspaceId, botId }))[0]!;
    expect(listed.embeddedChunks).toBeNull();
  });

  it("with the embedding server down, marks the embedding failed with a reason, keeps the source searchable by text, and retries", async () => {
    server.setEmbeddingMode("fail");
    const id = await importText(KNOWLEDGE);
    expect(await embedNextBatch(h.db, { config: config(), retryMs: 60_000 })).toBe(true);
    const failed = await sourceRow(id);
    expect(failed.status).toBe("ready");
    expect(failed.embeddedModel).toBeNull();
    expect(failed.embeddingError).toBe("The embedding endpoint answered 500.");
    expect(failed.embeddingAttempts).toBe(1);
    expect(failed.embeddingNextAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    // In back-off: not claimed again before its time.
    expect(await embedNextBatch(h.db, { config: config() })).toBe(false);
    const listed = (await listSources(h.db, { workspaceId, botId, embeddingModel: "fixture-embed-a" }))[0]!;
    expect(listed.embeddingError).toMatch(/answered 500/);
    expect(listed.embeddedChunks).toBe(0);
    // Text search does not wait for vectors.
    const byText = (await fullTextRetriever.retrieve(h.db, { botId, query: "When does the shop open?", k: 3 }))
      .passages;
    expect(byText[0]?.content).toContain("opens at nine");

    // The server comes back and the retry time passes: the vectors are made and the error clears.
    server.setEmbeddingMode("ok");
    await h.db
      .update(knowledgeSources)
      .set({ embeddingNextAt: sql`now()` })
      .where(eq(knowledgeSources.id, id));
    await embedAll(h.db, { config: config() });
    const healed = await sourceRow(id);
    expect(healed.embeddedModel).toBe("fixture-embed-a");
    expect(healed.embeddingError).toBeNull();
    expect(healed.embeddingAttempts).toBe(0);
  });

  it("two workers at once embed each chunk once", async () => {
    const id = await importText(KNOWLEDGE);
    const second = await importText(
      "## Kids\n\nChildren under five ride free.\n\n## Pets\n\nDogs are welcome.",
      "More",
    );
    const before = server.embeddingRequests.length;
    await Promise.all([
      embedAll(h.db, { config: config(), batchSize: 1 }),
      embedAll(h.db, { config: config(), batchSize: 1 }),
    ]);
    const sent = server.embeddingRequests.slice(before).flatMap((r) => r.body.input as string[]);
    const chunks = (await sourceRow(id)).chunkCount + (await sourceRow(second)).chunkCount;
    expect(sent).toHaveLength(chunks);
    expect(new Set(sent).size).toBe(chunks);
    expect((await vectorsOf(id)).length + (await vectorsOf(second)).length).toBe(chunks);
  });

  it("workspaces take turns: one workspace's many new sources do not hold up another's", async () => {
    for (let i = 0; i < 8; i++) await importText(KNOWLEDGE, `Busy ${i}`);
    const other = await createUserWithWorkspace(h.db, {
      email: `other-${Date.now()}@example.com`,
      name: "O",
      passwordHash: "x",
      workspaceName: "Other",
    });
    const otherBot = await createBot(h.db, { workspaceId: other!.workspace.id, name: "Other bot", actorUserId: null });
    const lone = await insertSource(h.db, {
      workspaceId: other!.workspace.id,
      botId: otherBot.id,
      kind: "text",
      title: "Lone",
      input: KNOWLEDGE,
    });
    while (await processNextSource(h.db, { retryDelayMs: 0 }));
    // Two steps: one batch for each workspace, whichever goes first.
    await embedNextBatch(h.db, { config: config(), batchSize: 100 });
    await embedNextBatch(h.db, { config: config(), batchSize: 100 });
    expect((await sourceRow(lone.id)).embeddedModel).toBe("fixture-embed-a");
  });

  it("an unreachable endpoint is reported without its address", async () => {
    const id = await importText(KNOWLEDGE);
    const closed = await startOpenAiServer();
    const url = closed.url;
    await closed.close();
    const unreachable = { ...config(), baseURL: url };
    expect(await embedNextBatch(h.db, { config: unreachable })).toBe(true);
    expect((await sourceRow(id)).embeddingError).toBe("The embedding endpoint could not be reached.");
  });

  it("a re-sync clears the vectors' model so the new chunks are embedded", async () => {
    const id = await importText(KNOWLEDGE);
    await embedAll(h.db, { config: config() });
    expect((await sourceRow(id)).embeddedModel).toBe("fixture-embed-a");
    await h.db
      .update(knowledgeSources)
      .set({ status: "queued", input: `${KNOWLEDGE}\n\n## Kids\n\nChildren under five ride free.` })
      .where(eq(knowledgeSources.id, id));
    while (await processNextSource(h.db, { retryDelayMs: 0 }));
    const resynced = await sourceRow(id);
    expect(resynced.embeddedModel).toBeNull();
    await embedAll(h.db, { config: config() });
    expect((await vectorsOf(id)).length).toBe((await sourceRow(id)).chunkCount);
    const found = await vectorSearch(h.db, { botId, query: "Do youngsters pay?", k: 1 }, config());
    expect(found?.[0]?.content).toContain("Children under five");
  });
});

describe("re-embedding after a change of model", () => {
  it("replaces every vector of the old model, with progress, and searches only vectors of the configured one", async () => {
    const id = await importText(KNOWLEDGE);
    await embedAll(h.db, { config: config("fixture-embed-a") });
    const chunkCount = (await sourceRow(id)).chunkCount;

    // The model changes: nothing of model b yet, so meaning search finds nothing (old vectors do not compare).
    const b = config("fixture-embed-b");
    expect(await vectorSearch(h.db, { botId, query: PARAPHRASE, k: 3 }, b)).toEqual([]);
    expect(await embedNextBatch(h.db, { config: b, batchSize: 1 })).toBe(true);
    const partway = (await listSources(h.db, { workspaceId, botId, embeddingModel: "fixture-embed-b" }))[0]!;
    expect(partway.embeddedChunks).toBe(1);
    await embedAll(h.db, { config: b, batchSize: 2 });

    const vectors = await vectorsOf(id);
    expect(vectors).toHaveLength(chunkCount);
    expect(new Set(vectors.map((v) => v.model))).toEqual(new Set(["fixture-embed-b"]));
    expect((await sourceRow(id)).embeddedModel).toBe("fixture-embed-b");
    const found = await vectorSearch(h.db, { botId, query: PARAPHRASE, k: 1 }, b);
    expect(found?.[0]?.content).toContain("reimbursed in full");
  });
});

describe("question embedding failures", () => {
  it("returns null (full text answers alone) and logs, when the embedding server fails or hangs", async () => {
    await importText(KNOWLEDGE);
    await embedAll(h.db, { config: config() });
    const lines: string[] = [];
    const was = process.env.PARLEY_LOG;
    delete process.env.PARLEY_LOG;
    setLogSink((line) => lines.push(line));
    try {
      server.setEmbeddingMode("fail");
      expect(await vectorSearch(h.db, { botId, query: PARAPHRASE, k: 3 }, config())).toBeNull();
      server.setEmbeddingMode("hang");
      expect(
        await vectorSearch(
          h.db,
          { botId, query: PARAPHRASE, k: 3 },
          config("fixture-embed-a", { queryTimeoutMs: 200 }),
        ),
      ).toBeNull();
    } finally {
      setLogSink(null);
      process.env.PARLEY_LOG = was;
    }
    const events = lines.map((l) => JSON.parse(l) as { event: string; reason: string });
    expect(events.filter((e) => e.event === "knowledge.query_embed_error")).toHaveLength(2);
    expect(events.some((e) => /did not answer in time/.test(e.reason))).toBe(true);
  });
});

describe("configuration", () => {
  it("reads EMBEDDING_* and falls back to the model engine's base URL and key", () => {
    expect(embeddingConfigFromEnv({})).toBeNull();
    expect(embeddingConfigFromEnv({ EMBEDDING_MODEL: "m" })).toBeNull();
    const shared = embeddingConfigFromEnv({ EMBEDDING_MODEL: "m", LLM_BASE_URL: "http://x/v1/", LLM_API_KEY: "k" })!;
    expect(shared).toMatchObject({ baseURL: "http://x/v1", apiKey: "k", model: "m", minSimilarity: 0.3 });
    const own = embeddingConfigFromEnv({
      EMBEDDING_MODEL: "m",
      EMBEDDING_BASE_URL: "http://e/v1",
      LLM_BASE_URL: "http://x/v1",
      LLM_API_KEY: "k",
      EMBEDDING_QUERY_TIMEOUT_MS: "500",
      EMBEDDING_MIN_SIMILARITY: "0.5",
    })!;
    expect(own).toMatchObject({ baseURL: "http://e/v1", apiKey: undefined, queryTimeoutMs: 500, minSimilarity: 0.5 });
  });
});

/** Runs `fn` with these environment variables set (undefined: unset), then restores them. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

describe("hybrid retrieval", () => {
  // Deadlines far beyond any machine's load: these tests are about the vector path, not its timing.
  const embeddingEnv = () => ({
    EMBEDDING_MODEL: "fixture-embed-a",
    EMBEDDING_BASE_URL: server.url,
    EMBEDDING_QUERY_TIMEOUT_MS: "60000",
  });
  const noEmbeddingEnv = { EMBEDDING_MODEL: undefined, EMBEDDING_BASE_URL: undefined };

  async function shopBot(engine: "builtin" | "llm") {
    await importText(KNOWLEDGE);
    await embedAll(h.db, { config: config() });
    const [bot] = await h.db.update(bots).set({ engine }).where(eq(bots.id, botId)).returning();
    return bot!;
  }

  it("finds a paraphrase that shares no word with its passage, which full text alone cannot", async () => {
    await shopBot("builtin");
    const lexical = (await withEnv(noEmbeddingEnv, () => hybridRetriever.retrieve(h.db, { botId, query: PARAPHRASE })))
      .passages;
    expect(lexical.some((p) => p.content.includes("reimbursed"))).toBe(false);
    const hybrid = (await withEnv(embeddingEnv(), () => hybridRetriever.retrieve(h.db, { botId, query: PARAPHRASE })))
      .passages;
    expect(hybrid[0]?.content).toContain("reimbursed in full");
    // A direct question still finds its passage first: both rankings agree.
    const direct = (
      await withEnv(embeddingEnv(), () => hybridRetriever.retrieve(h.db, { botId, query: "Where can I leave my car?" }))
    ).passages;
    expect(direct[0]?.content).toContain("garage behind the building");
  });

  it("gives the model engine the passage found by meaning", async () => {
    const bot = await shopBot("llm");
    const result = await withEnv({ ...embeddingEnv(), LLM_BASE_URL: server.url, LLM_MODEL: "fixture" }, () =>
      generateReply(h.db, { bot, message: PARAPHRASE, history: [] }),
    );
    expect(result.engine).toBe("llm");
    expect(result.usedPassages[0]?.content).toContain("reimbursed in full");
    expect(result.reply).toMatch(/\| context: \[1\] Shop policies — Reimbursement/);
  });

  it("with no embedding model, answers by full text and makes no embedding call", async () => {
    const bot = await shopBot("builtin");
    const calls = server.embeddingRequests.length;
    const result = await withEnv(noEmbeddingEnv, () =>
      generateReply(h.db, { bot, message: "When does the shop open?", history: [] }),
    );
    expect(result.reply).toContain("opens at nine");
    expect(server.embeddingRequests.length).toBe(calls);
  });

  it("when the embedding server fails at question time, still answers by full text", async () => {
    const bot = await shopBot("builtin");
    server.setEmbeddingMode("fail");
    const calls = server.embeddingRequests.length;
    const result = await withEnv({ ...embeddingEnv(), PARLEY_LOG: "silent" }, () =>
      generateReply(h.db, { bot, message: "When does the shop open?", history: [] }),
    );
    expect(server.embeddingRequests.length).toBe(calls + 1); // it did try
    expect(result.reply).toContain("opens at nine");
    const { passages } = await withEnv(embeddingEnv(), () =>
      hybridRetriever.retrieve(h.db, { botId, query: "When does the shop open?" }),
    );
    const byText = (await fullTextRetriever.retrieve(h.db, { botId, query: "When does the shop open?", k: 5 }))
      .passages;
    expect(passages).toEqual(byText);
  });
});

describe("reciprocal rank fusion", () => {
  const p = (chunkId: number): Passage => ({
    chunkId,
    sourceId: "s",
    title: "t",
    heading: "",
    content: `${chunkId}`,
    score: 1,
  });
  it("ranks a passage both lists hold above one list's top, keeps every passage once, and cuts at k", () => {
    const fused = fuseRankings(
      [
        [p(1), p(2), p(3)],
        [p(4), p(2), p(5)],
      ],
      4,
    );
    expect(fused.map((x) => x.chunkId)).toEqual([2, 1, 4, 3]);
    expect(fused[0]!.score).toBeCloseTo(2 / 62, 10);
    expect(fused[1]!.score).toBeCloseTo(1 / 61, 10);
  });
});

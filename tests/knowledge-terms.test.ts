import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DbHandle } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot, deleteBot, updateBot } from "@/db/queries/bots";
import { deleteSource, insertSource, replaceSourceChunks } from "@/db/queries/knowledge";
import type { Bot } from "@/db/schema";
import { processNextSource } from "@/lib/knowledge/ingest";
import {
  forgetVocabulary,
  RANK_SATURATION,
  rankChunks,
  readQuestionVocabulary,
  type RankRequest,
} from "@/db/queries/retrieval";
import { ALL_TERMS_CANDIDATES, analyzeQuestion, CANDIDATE_BUDGET, fullTextRetriever } from "@/lib/knowledge/retrieve";
import { BIKE_SHOP, BIKE_SHOP_QUESTIONS } from "./fixtures/knowledge/bike-shop";
import { groupedCounter } from "./fixtures/grouped-count";
import { openTestDb } from "./db";

const searchStats = groupedCounter("search");

/**
 * Retrieval reads each term's document frequency from knowledge_terms, kept by a trigger on
 * knowledge_chunks (migration 0003), and ranks a bounded set of candidates. These tests hold the
 * statistics to what counting the chunks gives after every kind of write, and the ranking to the
 * exact one (every matching chunk ranked) wherever the matches fit the candidate budget.
 */

let h: DbHandle;
let workspaceId: string;

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
  const made = await createUserWithWorkspace(h.db, {
    email: "terms@example.com",
    name: "T",
    passwordHash: "x",
    workspaceName: "Terms",
  });
  workspaceId = made!.workspace.id;
});
afterAll(async () => {
  await h.close();
});

type TermRow = { bot_id: string; lexeme: string; df: number };

/** The statistics as kept, and as counting the chunks gives them, for comparison. */
async function keptAndCounted() {
  const kept = await queryRows<TermRow>(
    h.db,
    sql`select bot_id, lexeme, df from knowledge_terms order by bot_id, lexeme`,
  );
  const counted = await queryRows<TermRow>(
    h.db,
    sql`select bot_id, lexeme, count(*)::int as df from knowledge_chunks, unnest(tsvector_to_array(tsv)) as lexeme group by 1, 2 order by 1, 2`,
  );
  const keptBots = await queryRows<{ bot_id: string; chunks: number }>(
    h.db,
    sql`select bot_id, chunks from knowledge_bot_stats order by bot_id`,
  );
  const countedBots = await queryRows<{ bot_id: string; chunks: number }>(
    h.db,
    sql`select bot_id, count(*)::int as chunks from knowledge_chunks group by 1 order by 1`,
  );
  // The surface vocabulary (typo correction) and the languages, kept by the same trigger (migration 0006).
  const keptWords = await queryRows<object>(
    h.db,
    sql`select bot_id, word, df from knowledge_words order by bot_id, word`,
  );
  const countedWords = await queryRows<object>(
    h.db,
    sql`select bot_id, word, count(*)::int as df
        from knowledge_chunks, unnest(tsvector_to_array(to_tsvector('simple', title || ' ' || heading || ' ' || content))) as word
        where word ~ '[[:alpha:]]' and length(word) <= 40
        group by 1, 2 order by 1, 2`,
  );
  const keptLanguages = await queryRows<object>(
    h.db,
    sql`select bot_id, language, chunks from knowledge_languages order by bot_id, language`,
  );
  const countedLanguages = await queryRows<object>(
    h.db,
    sql`select bot_id, language, count(*)::int as chunks from knowledge_chunks group by 1, 2 order by 1, 2`,
  );
  const norm = <T extends object>(rows: T[]) =>
    rows.map((r) => JSON.stringify(Object.values(r).map((v) => (typeof v === "string" ? v : Number(v)))));
  return {
    kept: norm(kept),
    counted: norm(counted),
    keptBots: norm(keptBots),
    countedBots: norm(countedBots),
    keptWords: norm(keptWords),
    countedWords: norm(countedWords),
    keptLanguages: norm(keptLanguages),
    countedLanguages: norm(countedLanguages),
  };
}

async function expectStatsExact() {
  const s = await keptAndCounted();
  expect(s.kept).toEqual(s.counted);
  expect(s.keptBots).toEqual(s.countedBots);
  expect(s.keptWords).toEqual(s.countedWords);
  expect(s.keptLanguages).toEqual(s.countedLanguages);
}

async function botWithBikeShop(name: string): Promise<Bot> {
  const bot = await createBot(h.db, { workspaceId, name, actorUserId: null });
  for (const doc of BIKE_SHOP)
    await insertSource(h.db, { workspaceId, botId: bot.id, kind: "text", title: doc.title, input: doc.text });
  while (await processNextSource(h.db)) {}
  return bot;
}

describe("knowledge term statistics", () => {
  it("equal a count of the chunks after import, re-import, source deletion and bot deletion", async () => {
    const a = await botWithBikeShop("Stats A");
    const b = await botWithBikeShop("Stats B");
    const s = await keptAndCounted();
    expect(s.kept.length).toBeGreaterThan(100);
    expect(s.keptBots).toHaveLength(2);
    await expectStatsExact();

    // Re-import a source with different text: its old terms go, the new ones come.
    const [source] = await queryRows<{ id: string; bot_id: string }>(
      h.db,
      sql`select id, bot_id from knowledge_sources where bot_id = ${a.id} limit 1`,
    );
    await replaceSourceChunks(h.db, {
      sourceId: source!.id,
      botId: a.id,
      title: "Replaced",
      chunks: [{ heading: "Zeppelins", content: "Our zeppelin tours leave from the airfield at dawn.", position: 0 }],
    });
    await expectStatsExact();
    const [zeppelin] = await queryRows<{ df: number }>(
      h.db,
      sql`select df from knowledge_terms where bot_id = ${a.id} and lexeme = 'zeppelin'`,
    );
    expect(Number(zeppelin!.df)).toBe(1);

    // Deleting the source (its chunks go by cascade) takes its terms away; a term no chunk holds has no row.
    expect(await deleteSource(h.db, { workspaceId, botId: a.id, sourceId: source!.id })).toBeTruthy();
    await expectStatsExact();
    expect(
      await queryRows(h.db, sql`select 1 from knowledge_terms where bot_id = ${a.id} and lexeme = 'zeppelin'`),
    ).toHaveLength(0);

    // Deleting a bot leaves no statistics behind for it, and the other bot's are untouched.
    const before = (await keptAndCounted()).kept.filter((r) => r.includes(b.id));
    expect(await deleteBot(h.db, { workspaceId, botId: a.id, actorUserId: null })).toMatchObject({ ok: true });
    await expectStatsExact();
    const after = await keptAndCounted();
    expect(after.kept.some((r) => r.includes(a.id))).toBe(false);
    expect(after.keptBots.some((r) => r.includes(a.id))).toBe(false);
    expect(after.kept.filter((r) => r.includes(b.id))).toEqual(before);
  });

  it("stay exact when many imports of one bot's knowledge commit at the same time (no deadlock)", async () => {
    const bot = await createBot(h.db, { workspaceId, name: "Concurrent", actorUserId: null });
    const sources = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        insertSource(h.db, { workspaceId, botId: bot.id, kind: "text", title: `Doc ${i}`, input: "x" }),
      ),
    );
    const text = (i: number, round: number) =>
      `Delivery, returns and warranty for order ${i}. Round ${round} mentions ${["tyres", "saddles", "helmets", "locks"][(i + round) % 4]} and repairs.`;
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        sources.map((s, i) =>
          replaceSourceChunks(h.db, {
            sourceId: s.id,
            botId: bot.id,
            title: s.title,
            chunks: Array.from({ length: 5 }, (_, p) => ({
              heading: `Part ${p}`,
              content: `${text(i, round)} Paragraph ${p}.`,
              position: p,
            })),
          }),
        ),
      );
    }
    await expectStatsExact();
    const [stats] = await queryRows<{ chunks: number }>(
      h.db,
      sql`select chunks from knowledge_bot_stats where bot_id = ${bot.id}`,
    );
    expect(Number(stats!.chunks)).toBe(40);
  });
});

/** The ranking before candidates were bounded: every chunk matching any term is ranked (the reference). */
async function exactTopK({ botId, texts, k }: RankRequest): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    h.db,
    sql`with texts as (
          select * from unnest(${sql.param(texts.map((t) => t.config))}::text[], ${sql.param(texts.map((t) => t.text))}::text[],
                               ${sql.param(texts.map((t) => t.weight))}::float8[]) as t(config, body, weight)
        ),
        input as (
          select lexeme, max(weight) as weight
          from texts, unnest(tsvector_to_array(to_tsvector(config::regconfig, body))) as lexeme
          group by lexeme
        ),
        q as (select lexeme, weight, quote_literal(lexeme)::tsquery as tq from input),
        total as (select count(*)::float8 as n from knowledge_chunks where bot_id = ${botId}),
        df as (select q.lexeme, count(c.id)::float8 as df from q left join knowledge_chunks c on c.bot_id = ${botId} and c.tsv @@ q.tq group by q.lexeme)
        select c.id
        from knowledge_chunks c join q on c.tsv @@ q.tq join df on df.lexeme = q.lexeme cross join total
        where c.bot_id = ${botId}
        group by c.id
        order by sum(q.weight * ln(1 + (total.n - df.df + 0.5) / (df.df + 0.5)) * (ts_rank_cd(c.tsv, q.tq, 1) / (ts_rank_cd(c.tsv, q.tq, 1) + ${sql.raw(String(RANK_SATURATION))}))) desc, c.id
        limit ${k}`,
  );
  return rows.map((r) => Number(r.id));
}

describe("bounded candidates", () => {
  it("rank exactly like scoring every match while the matches fit the budget", async () => {
    const bot = await botWithBikeShop("Exact");
    const questions = [
      ...BIKE_SHOP_QUESTIONS.map((q) => ({ query: q.question, context: undefined as string | undefined })),
    ];
    questions.push({ query: "how much is it?", context: "Tell me about the e-bike rental" });
    const ids = (rows: { id: number }[]) => rows.map((r) => Number(r.id));
    const requests: RankRequest[] = [];
    const exact: number[][] = [];
    for (const { query, context } of questions) {
      const { request } = await analyzeQuestion(h.db, { botId: bot.id, query, context, k: 5 });
      requests.push(request);
      exact.push(await exactTopK(request));
      // The ranking, one question at a time (a batch of one).
      const [alone] = await rankChunks(h.db, [request]);
      expect(ids(alone!), query).toEqual(exact.at(-1));
    }
    // Nearly every question finds something (the comparison is not vacuous). "What's your address?" finds
    // nothing by full text: the knowledge says "find us at 22 Canal Street", and no lexical resource relates
    // "address" to those words; the owner's word list does (tests/retrieval-languages.test.ts).
    expect(exact.filter((ids) => ids.length > 0).length).toBeGreaterThanOrEqual(Math.ceil(0.9 * questions.length));
    // The same ranking, every question in one statement (another bot's question among them).
    const other = await botWithBikeShop("Exact, other");
    const otherRequest = (await analyzeQuestion(h.db, { botId: other.id, query: questions[0]!.query, k: 5 })).request;
    const batch = await rankChunks(h.db, [...requests, otherRequest]);
    const perQuestion = batch.map(ids);
    expect(perQuestion.slice(0, -1)).toEqual(exact);
    expect(perQuestion.at(-1)).toEqual(await exactTopK(otherRequest));
    // And the retriever, asked all at once: the questions that arrive while one ranking is in flight go together.
    const calls = searchStats.statements;
    const got = await Promise.all(
      questions.map(({ query, context }) => fullTextRetriever.retrieve(h.db, { botId: bot.id, query, context, k: 5 })),
    );
    expect(got.map(({ passages }) => passages.map((p) => p.chunkId))).toEqual(exact);
    expect(searchStats.statements - calls).toBeGreaterThan(0);
    expect(searchStats.statements - calls).toBeLessThan(questions.length);
  });

  it("still find the chunk holding a rare word among more matches than the budget, and return k", async () => {
    const bot = await createBot(h.db, { workspaceId, name: "Large", actorUserId: null });
    const source = await insertSource(h.db, {
      workspaceId,
      botId: bot.id,
      kind: "text",
      title: "Catalogue",
      input: "x",
    });
    const n = CANDIDATE_BUDGET + ALL_TERMS_CANDIDATES + 300;
    const chunks = Array.from({ length: n }, (_, i) => ({
      heading: `Bike ${i}`,
      content: `This bike comes with a frame, wheels and a bell. Bike number ${i} ships in a box.`,
      position: i,
    }));
    // The one passage that answers the question, last of all (physically after every sampled chunk).
    chunks.push({
      heading: "Tandem",
      content: "Our tandem bike seats two riders and ships in a bigger box.",
      position: n,
    });
    await replaceSourceChunks(h.db, { sourceId: source.id, botId: bot.id, title: "Catalogue", chunks });
    await expectStatsExact();

    const found = (await fullTextRetriever.retrieve(h.db, { botId: bot.id, query: "Do you sell a tandem bike?", k: 4 }))
      .passages;
    expect(found).toHaveLength(4);
    expect(found[0]!.heading).toBe("Tandem");
    // Only common words: the answer is k sensible passages, not nothing.
    const common = (
      await fullTextRetriever.retrieve(h.db, {
        botId: bot.id,
        query: "bike with wheels and a bell",
        k: 3,
      })
    ).passages;
    expect(common).toHaveLength(3);
    expect(common.every((p) => /wheels and a bell/.test(p.content))).toBe(true);
  });
});

describe("the vocabulary cache", () => {
  const ask = (botId: string, words: string[], candidates: string[] = []) =>
    readQuestionVocabulary(h.db, { botId, words, candidates });

  async function botWith(content: string) {
    const bot = await createBot(h.db, { workspaceId, name: "Words", actorUserId: null });
    const source = await insertSource(h.db, { workspaceId, botId: bot.id, kind: "text", title: "Page", input: "" });
    await replaceSourceChunks(h.db, {
      sourceId: source.id,
      botId: bot.id,
      title: "Page",
      chunks: [{ heading: "Intro", content, position: 0 }],
    });
    return { bot, source };
  }

  it("answers what the database says, and sees an import through replaceSourceChunks at once", async () => {
    const { bot, source } = await botWith("We repair bicycles and sell helmets.");
    const before = await ask(bot.id, ["helmets", "tandems", "bicycels"], ["helmet", "repair", "and", "scooter"]);
    expect([...before.unknown]).toEqual([
      ["tandems", null],
      ["bicycels", { word: "bicycles", edits: 2, similarity: expect.any(Number) }],
    ]);
    expect([...before.present].sort()).toEqual(["repair"]); // "and": an English stopword
    expect(before.languages.map((l) => l.language)).toEqual(["en"]);

    await replaceSourceChunks(h.db, {
      sourceId: source.id,
      botId: bot.id,
      title: "Page",
      chunks: [{ heading: "Intro", content: "We rent tandems and scooters.", position: 0 }],
    });
    const after = await ask(bot.id, ["helmets", "tandems", "bicycels"], ["scooter", "scooters"]);
    expect([...after.unknown.keys()]).toEqual(["helmets", "bicycels"]);
    expect(after.unknown.get("bicycels")).toBeNull();
    expect([...after.present]).toEqual(["scooters"]);
  });

  it("remembers a bot's words for PARLEY_AUTH_CACHE_MS: a change behind its back shows once forgotten or expired", async () => {
    const { bot } = await botWith("We repair bicycles.");
    const sneak = (word: string) =>
      queryRows(h.db, sql`insert into knowledge_words (bot_id, word, df) values (${bot.id}, ${word}, 1)`);
    process.env.PARLEY_AUTH_CACHE_MS = "60000";
    try {
      expect((await ask(bot.id, ["kayaks"])).unknown.has("kayaks")).toBe(true);
      await sneak("kayaks"); // not through db/queries: this instance is not told
      expect((await ask(bot.id, ["kayaks"])).unknown.has("kayaks")).toBe(true);
      forgetVocabulary(bot.id);
      expect((await ask(bot.id, ["kayaks"])).unknown.has("kayaks")).toBe(false);

      process.env.PARLEY_AUTH_CACHE_MS = "0"; // off: every question asks the database
      expect((await ask(bot.id, ["canoes"])).unknown.has("canoes")).toBe(true);
      await sneak("canoes");
      expect((await ask(bot.id, ["canoes"])).unknown.has("canoes")).toBe(false);
    } finally {
      delete process.env.PARLEY_AUTH_CACHE_MS;
    }
  });

  it("asks the database once for questions in flight together, and not again for words it has", async () => {
    const { bot } = await botWith("We repair bicycles.");
    let statements = 0;
    const counted = new Proxy(h.db, {
      get(target, prop, receiver) {
        if (prop === "execute") statements++;
        return Reflect.get(target, prop, receiver);
      },
    });
    process.env.PARLEY_AUTH_CACHE_MS = "60000";
    try {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          readQuestionVocabulary(counted, { botId: bot.id, words: ["bicycles", "tandems"], candidates: [] }),
        ),
      );
      expect(statements).toBe(1);
      expect(answers.every((a) => [...a.unknown.keys()].join() === "tandems")).toBe(true);
      await readQuestionVocabulary(counted, { botId: bot.id, words: ["tandems"], candidates: ["bicycles"] });
      expect(statements).toBe(1);
      await readQuestionVocabulary(counted, { botId: bot.id, words: ["helmets"], candidates: [] });
      expect(statements).toBe(2); // a word not asked about before
    } finally {
      delete process.env.PARLEY_AUTH_CACHE_MS;
    }
  });

  it("sees a bot's new language setting at once", async () => {
    const { bot } = await botWith("We repair bicycles.");
    expect((await ask(bot.id, ["bicycles"])).bot?.language).toBe("auto");
    await updateBot(h.db, { workspaceId, botId: bot.id, actorUserId: null, settings: { language: "de" } });
    expect((await ask(bot.id, ["bicycles"])).bot?.language).toBe("de");
  });
});

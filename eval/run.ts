/**
 * `npm run eval`: how well Parley answers customers (issue 17, "How it is measured").
 *
 * For every business under eval/sets/ it creates a bot (the business's fallback message and offer of a
 * person), imports the business's pages as files through the real ingestion worker, and asks every
 * question of the chosen half through the Chat API handler in-process (an integration, an API key, the
 * same handler the route calls), carrying conversation_id so a follow-up's earlier turns are real
 * conversation memory. Retrieval is measured beside it by calling the retriever with the same question
 * (and, for a follow-up, the earlier turns as context).
 *
 *   npm run eval                              the tune half, built-in engine
 *   npm run eval -- --half heldout|all        never while tuning
 *   npm run eval -- --business dental-clinic  one business
 *   npm run eval -- --verbose                 each failing question with its reply and top passages
 *   npm run eval -- --only bike-typo          only the questions whose id starts so (comma-separated prefixes)
 *   npm run eval -- --engine llm|both         the model engine against the local echoing test server
 *   npm run eval -- --typos 2                 also each direct, yes/no, list and not-covered question with two
 *                                             seeded misspellings of its own words (eval/lib/typos.ts), reported
 *                                             apart: how many still pass of those whose original passes
 *   npm run eval -- --plain                   likewise each typed plainly: lower case, no question mark
 *   npm run eval -- --chatter                 likewise each between a greeting and thanks
 *   npm run eval -- --context                 likewise each after a sentence about the customer that it does not need
 *   npm run eval -- --embeddings              hybrid retrieval, vectors from the test server's /v1/embeddings
 *                                             (its small concept table: this exercises the path and its cost,
 *                                             it is no measure of a real embedding model); without it,
 *                                             EMBEDDING_MODEL is ignored so runs compare
 *
 * Prints retrieval hit@1/hit@3 and answer pass rate per business × category, totals per category,
 * p50/p99 of retrieval and of a whole reply, and writes eval/.out/results.json. The database is an
 * in-memory PGlite, or with DATABASE_URL a throwaway database on that server (dropped at the end).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createIntegration } from "@/db/queries/integrations";
import { insertSource } from "@/db/queries/knowledge";
import { bots, knowledgeSources, workspaces, DEFAULT_HANDOFF } from "@/db/schema";
import { handleChatRequest } from "@/lib/chat/handle-chat-request";
import type { Passage } from "@/lib/engine/types";
import { newId } from "@/lib/ids";
import { processNextSource } from "@/lib/knowledge/ingest";
import { embedAll } from "@/lib/knowledge/embed";
import { hybridRetriever } from "@/lib/knowledge/hybrid";
import { openTestDb } from "@/tests/db";
import { startOpenAiServer, type OpenAiServer } from "@/tests/fixtures/openai-server";
import {
  CATEGORIES,
  loadBusinesses,
  norm,
  passageHolds,
  problemsOf,
  scoreReply,
  type Category,
  type Half,
  type LoadedBusiness,
  type Question,
} from "./lib/sets";
import { typoVariants } from "./lib/typos";

type Engine = "builtin" | "llm";

type Result = {
  business: string;
  language: string;
  half: Half;
  id: string;
  category: Category;
  question: string;
  history?: string[];
  engine: Engine;
  /** Retrieval (null for notcovered: there is nothing to find). */
  hit1: boolean | null;
  hit3: boolean | null;
  retrievalMs: number;
  /** The whole reply to the scored question, through the Chat API handler. */
  replyMs: number;
  status: number;
  reply: string;
  pass: boolean;
  reasons: string[];
  top: { title: string; heading: string; content: string; score: number }[];
  /** A synthetic variant (--typos, --plain, --chatter, --context): the question it varies and how. */
  variantOf?: string;
  edit?: string;
};

type Asked = Question & { variantOf?: string; edit?: string };

const { values: args } = parseArgs({
  options: {
    half: { type: "string", default: "tune" },
    business: { type: "string" },
    verbose: { type: "boolean", default: false },
    engine: { type: "string", default: "builtin" },
    embeddings: { type: "boolean", default: false },
    only: { type: "string" },
    typos: { type: "string", default: "0" },
    plain: { type: "boolean", default: false },
    chatter: { type: "boolean", default: false },
    context: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

function usage(message?: string): never {
  if (message) console.error(message);
  console.error(
    "usage: npm run eval -- [--half tune|heldout|all] [--business <name>] [--only <id prefix,…>] [--engine builtin|llm|both] [--typos N] [--plain] [--chatter] [--context] [--embeddings] [--verbose]",
  );
  process.exit(message ? 2 : 0);
}

if (args.help) usage();
if (!["tune", "heldout", "all"].includes(args.half!)) usage(`--half must be tune, heldout or all (got ${args.half})`);
if (!["builtin", "llm", "both"].includes(args.engine!)) usage(`--engine must be builtin, llm or both`);
const typosPerQuestion = Number(args.typos);
if (!Number.isInteger(typosPerQuestion) || typosPerQuestion < 0 || typosPerQuestion > 5)
  usage(`--typos must be a whole number from 0 to 5 (got ${args.typos})`);
const halves: Half[] = args.half === "all" ? ["tune", "heldout"] : [args.half as Half];
const engines: Engine[] = args.engine === "both" ? ["builtin", "llm"] : [args.engine as Engine];

// The evaluation sends a few hundred messages at once: well within limits raised for it, never counted against a real workspace.
process.env.PARLEY_LOG ??= "silent";
process.env.PARLEY_PLAN_LIMITS = JSON.stringify({
  scale: { messagesPerMonth: 10_000_000, requestsPerMinute: 1_000_000 },
});

const OUT_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), ".out");

async function importKnowledge(db: Db, workspaceId: string, botId: string, b: LoadedBusiness): Promise<void> {
  const ids: string[] = [];
  for (const k of b.knowledge) {
    const source = await insertSource(db, {
      workspaceId,
      botId,
      kind: "file",
      title: k.fileName,
      fileName: k.fileName,
      fileData: Buffer.from(k.text, "utf8"),
      mimeType: k.fileName.endsWith(".md") ? "text/markdown" : "text/plain",
    });
    ids.push(source.id);
  }
  while (await processNextSource(db, { retryDelayMs: 0 })) {
    /* the worker imports one source per call */
  }
  // With --embeddings, the worker's next job: vectors for every chunk (nothing without EMBEDDING_MODEL).
  await embedAll(db);
  for (const id of ids) {
    const [row] = await db.select().from(knowledgeSources).where(eq(knowledgeSources.id, id));
    if (row?.status !== "ready") throw new Error(`${b.name}: ${row?.title} did not import: ${row?.error}`);
  }
}

type Setup = { botId: string; integrationId: string; apiKey: string };

async function setUp(db: Db, b: LoadedBusiness, engine: Engine, owner: { userId: string; workspaceId: string }) {
  const [bot] = await db
    .insert(bots)
    .values({
      id: newId("bot"),
      workspaceId: owner.workspaceId,
      name: b.title,
      engine,
      fallbackMessage: b.fallback_message,
      handoff: { ...DEFAULT_HANDOFF, offerMessage: b.offer_message, handoffMessage: b.handoff_message },
    })
    .returning();
  await importKnowledge(db, owner.workspaceId, bot!.id, b);
  const made = await createIntegration(db, {
    workspaceId: owner.workspaceId,
    botId: bot!.id,
    name: `eval ${b.name} ${engine}`,
    actorUserId: owner.userId,
  });
  return { botId: bot!.id, integrationId: made!.integration.id, apiKey: made!.apiKey } satisfies Setup;
}

/** One message through the Chat API handler, as a client sends it. */
async function chat(s: Setup, message: string, conversationId?: string) {
  const req = new Request(`http://127.0.0.1/chat/custom/${s.integrationId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": s.apiKey },
    body: JSON.stringify(conversationId ? { message, conversation_id: conversationId } : { message }),
  });
  const started = performance.now();
  const res = await handleChatRequest({ req, integrationId: s.integrationId });
  const body = (await res.json()) as { reply?: string; conversation_id?: string; error?: { code: string } };
  return { status: res.status, body, ms: performance.now() - started };
}

/** The knowledge section of the model request's system prompt (what the echoing test server was given). */
function promptKnowledge(server: OpenAiServer, from: number): string {
  const request = server.requests.slice(from).at(-1);
  const messages: { role: string; content: unknown }[] = request?.body?.messages ?? [];
  const system = messages
    .filter((m) => m.role === "system")
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content)))
    .join("\n");
  return /<knowledge>([\s\S]*?)<\/knowledge>/.exec(system)?.[1] ?? "";
}

async function ask(
  db: Db,
  b: LoadedBusiness,
  half: Half,
  q: Asked,
  engine: Engine,
  s: Setup,
  server: OpenAiServer | null,
): Promise<Result> {
  // Retrieval alone, with the same question (a follow-up's earlier turns as context, as a condensing step would give).
  const context = q.history?.length ? q.history.slice(-2).join(" ") : undefined;
  const t0 = performance.now();
  const { passages }: { passages: Passage[] } = await hybridRetriever.retrieve(db, {
    botId: s.botId,
    query: q.question,
    context,
    k: 6,
  });
  const retrievalMs = performance.now() - t0;
  const hit1 = q.evidence ? passages.slice(0, 1).some((p) => passageHolds(p, q.evidence!)) : null;
  const hit3 = q.evidence ? passages.slice(0, 3).some((p) => passageHolds(p, q.evidence!)) : null;

  let conversationId: string | undefined;
  for (const turn of q.history ?? []) {
    const r = await chat(s, turn, conversationId);
    if (r.status !== 200) throw new Error(`${q.id}: history turn answered ${r.status} ${JSON.stringify(r.body)}`);
    conversationId = r.body.conversation_id;
  }
  const requestsBefore = server?.requests.length ?? 0;
  const r = await chat(s, q.question, conversationId);
  const reply = r.body.reply ?? "";
  let verdict: { pass: boolean; reasons: string[] };
  if (r.status !== 200) verdict = { pass: false, reasons: [`status ${r.status}: ${r.body.error?.code}`] };
  else if (engine === "builtin") verdict = scoreReply(q, reply, b);
  else if (!q.evidence)
    verdict = { pass: true, reasons: [] }; // the echo says nothing to judge an abstention by
  else {
    // The test server echoes; what can be judged is whether the answer's passage reached the model.
    const knowledge = promptKnowledge(server!, requestsBefore);
    const ok = norm(knowledge).includes(norm(q.evidence));
    verdict = { pass: ok, reasons: ok ? [] : ["evidence not in the prompt's knowledge section"] };
  }
  return {
    business: b.name,
    language: b.language,
    half,
    id: q.id,
    category: q.category,
    question: q.question,
    ...(q.history ? { history: q.history } : {}),
    engine,
    hit1,
    hit3,
    retrievalMs,
    replyMs: r.ms,
    status: r.status,
    reply,
    ...verdict,
    top: passages.slice(0, 3).map((p) => ({ title: p.title, heading: p.heading, content: p.content, score: p.score })),
    ...(q.variantOf ? { variantOf: q.variantOf, edit: q.edit } : {}),
  };
}

/** The categories whose questions stand alone, asked again as variants (--typos, --plain, --chatter, --context). */
const MISSPELT: Category[] = ["direct", "yesno", "list", "notcovered"];

function withVariants(questions: Question[], language: string): Asked[] {
  if (typosPerQuestion === 0 && !args.plain && !args.chatter && !args.context) return questions;
  const variants = questions
    .filter((q) => MISSPELT.includes(q.category) && !q.history?.length)
    .flatMap((q): Asked[] => {
      const typos = typoVariants(q.id, q.question, typosPerQuestion).map((v, i) => ({
        ...q,
        id: `${q.id}~t${i + 1}`,
        question: v.question,
        variantOf: q.id,
        edit: `${v.edit}: ${v.from} -> ${v.to}`,
      }));
      const typed = plainly(q.question);
      const plain: Asked[] =
        args.plain && typed !== q.question
          ? [{ ...q, id: `${q.id}~plain`, question: typed, variantOf: q.id, edit: "plain: lower case, no ?" }]
          : [];
      const said = withChatter(q.question, language);
      const chatter: Asked[] = args.chatter
        ? [{ ...q, id: `${q.id}~chatter`, question: said, variantOf: q.id, edit: "chatter: a greeting and thanks" }]
        : [];
      const context: Asked[] = args.context
        ? [
            {
              ...q,
              id: `${q.id}~context`,
              question: withContext(q.question, language),
              variantOf: q.id,
              edit: "context: a sentence about the customer before it",
            },
          ]
        : [];
      return [...typos, ...plain, ...chatter, ...context];
    });
  return [...questions, ...variants];
}

/** A greeting before the question and thanks after it, in the business's language. */
const CHATTER: Record<string, [string, string]> = {
  en: ["Hi there! Quick question:", "Thanks a lot!"],
  fr: ["Bonjour ! Petite question :", "Merci beaucoup !"],
  es: ["¡Hola! Una pregunta:", "¡Muchas gracias!"],
  de: ["Hallo! Kurze Frage:", "Vielen Dank!"],
};
function withChatter(question: string, language: string): string {
  const [hello, thanks] = CHATTER[language] ?? CHATTER.en!;
  return `${hello} ${question} ${thanks}`;
}

/** A sentence about the customer, saying nothing the question needs, before it. */
const CONTEXT: Record<string, string> = {
  en: "I was talking about you with a friend yesterday.",
  fr: "J'en parlais hier avec une amie.",
  es: "Ayer hablaba de vosotros con una amiga.",
  de: "Ich habe gestern mit einer Freundin über euch gesprochen.",
};
function withContext(question: string, language: string): string {
  return `${CONTEXT[language] ?? CONTEXT.en!} ${question}`;
}

/** As many type in a chat: all in lower case, without the question mark (or Spanish's opening one). */
function plainly(question: string): string {
  return question
    .toLowerCase()
    .replace(/[¿¡]/g, "")
    .replace(/\s*[?!.]+\s*$/u, "")
    .trim();
}

/** Of the variants whose original passes, how many still pass, by category and by kind of variant. */
function reportVariants(results: Result[]) {
  const byId = new Map(results.filter((r) => !r.variantOf).map((r) => [`${r.engine} ${r.id}`, r]));
  const variants = results.filter((r) => r.variantOf);
  if (!variants.length) return;
  console.log(
    `\n=== synthetic variants (${typosPerQuestion} misspellings per question${args.plain ? ", typed plainly" : ""}${args.chatter ? ", with chatter" : ""}${args.context ? ", after a sentence of scene" : ""}): still passing, of those whose original passes ===`,
  );
  const row = (label: string, rows: Result[]) => {
    const kept = rows.filter((r) => byId.get(`${r.engine} ${r.variantOf}`)?.pass);
    console.log(
      `  ${label.padEnd(24)} ${pct(kept.filter((r) => r.pass).length, kept.length)}  (${kept.filter((r) => r.pass).length}/${kept.length})`,
    );
  };
  for (const c of MISSPELT)
    row(
      c,
      variants.filter((r) => r.category === c),
    );
  for (const kind of ["drop", "swap", "near", "double", "accents", "plain", "chatter", "context"])
    row(
      `edit: ${kind}`,
      variants.filter((r) => r.edit?.startsWith(`${kind}:`)),
    );
  row(
    "non-English",
    variants.filter((r) => r.language !== "en"),
  );
  row("all", variants);
}

// ── Reporting ────────────────────────────────────────────────────────────────

const pct = (n: number, d: number) => (d === 0 ? "   –" : `${Math.round((100 * n) / d)}%`.padStart(4));

function rates(rows: Result[]) {
  const withEvidence = rows.filter((r) => r.hit1 !== null);
  return {
    n: rows.length,
    hit1: pct(withEvidence.filter((r) => r.hit1).length, withEvidence.length),
    hit3: pct(withEvidence.filter((r) => r.hit3).length, withEvidence.length),
    pass: pct(rows.filter((r) => r.pass).length, rows.length),
    passCount: `${rows.filter((r) => r.pass).length}/${rows.length}`,
  };
}

function line(label: string, rows: Result[]): string {
  const r = rates(rows);
  return `  ${label.padEnd(24)} ${String(r.n).padStart(4)}   ${r.hit1}   ${r.hit3}   ${r.pass}  (${r.passCount})`;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function report(results: Result[], businesses: LoadedBusiness[]) {
  for (const engine of engines) {
    const ofEngine = results.filter((r) => r.engine === engine && !r.variantOf);
    for (const half of halves) {
      const rows = ofEngine.filter((r) => r.half === half);
      const what =
        engine === "llm" ? "model engine (test server: answer = evidence reached the prompt)" : "built-in engine";
      console.log(
        `\n=== ${half} half, ${what}${args.embeddings ? ", hybrid retrieval (test server's embeddings)" : ""} ===`,
      );
      console.log(`  ${"".padEnd(24)}    n   hit@1  hit@3  answer`);
      for (const b of businesses) {
        const ofBusiness = rows.filter((r) => r.business === b.name);
        if (!ofBusiness.length) continue;
        console.log(`  ${b.name} (${b.language})`);
        for (const c of CATEGORIES) {
          const ofCategory = ofBusiness.filter((r) => r.category === c);
          if (ofCategory.length) console.log(line(`  ${c}`, ofCategory));
        }
        console.log(line("  all", ofBusiness));
      }
      console.log("  by category, all businesses");
      for (const c of CATEGORIES)
        console.log(
          line(
            `  ${c}`,
            rows.filter((r) => r.category === c),
          ),
        );
      const nonEnglish = rows.filter((r) => r.language !== "en");
      if (nonEnglish.length) console.log(line("  non-English", nonEnglish));
      console.log(line("  all", rows));
    }
    const retrieval = ofEngine.map((r) => r.retrievalMs);
    const replies = ofEngine.map((r) => r.replyMs);
    console.log(
      `\n  ${engine}: retrieval p50 ${quantile(retrieval, 0.5).toFixed(1)} ms, p99 ${quantile(retrieval, 0.99).toFixed(1)} ms;` +
        ` whole reply p50 ${quantile(replies, 0.5).toFixed(1)} ms, p99 ${quantile(replies, 0.99).toFixed(1)} ms`,
    );
  }
}

function printFailures(results: Result[]) {
  const failing = results.filter((r) => !r.pass || r.hit3 === false);
  if (!failing.length) return;
  console.log(`\n=== ${failing.length} questions failing (answer or retrieval) ===`);
  for (const r of failing) {
    console.log(`\n[${r.half} ${r.engine}] ${r.id} (${r.category})${r.pass ? "  answer ok" : ""}`);
    for (const h of r.history ?? []) console.log(`  earlier: ${h}`);
    console.log(`  Q: ${r.question}`);
    if (r.edit) console.log(`  misspelt (${r.edit}) from ${r.variantOf}`);
    console.log(`  A: ${r.reply.replace(/\s+/g, " ")}`);
    if (r.reasons.length) console.log(`  why: ${r.reasons.join("; ")}`);
    console.log(`  retrieval: hit@1 ${r.hit1 ?? "–"}, hit@3 ${r.hit3 ?? "–"}`);
    r.top.forEach((p, i) =>
      console.log(
        `   ${i + 1}. [${p.score.toFixed(3)}] ${p.title} › ${p.heading}: ${p.content.replace(/\s+/g, " ").slice(0, 160)}`,
      ),
    );
  }
}

// ── Main ─────────────────────────────────────────────────────────────────────

const prefixes = args.only?.split(",").filter(Boolean) ?? [];
const selected = (q: Question) => !prefixes.length || prefixes.some((p) => q.id.startsWith(p));

async function main() {
  const businesses = loadBusinesses(args.business).filter((b) => halves.some((half) => b.halves[half].some(selected)));
  for (const b of businesses) {
    const problems = problemsOf(b);
    if (problems.length) throw new Error(`eval/sets/${b.name} is malformed:\n  ${problems.join("\n  ")}`);
  }
  const started = performance.now();
  const server = engines.includes("llm") || args.embeddings ? await startOpenAiServer() : null;
  if (server && engines.includes("llm")) {
    process.env.LLM_BASE_URL = server.url;
    process.env.LLM_MODEL = "fixture";
  }
  delete process.env.EMBEDDING_MODEL;
  if (server && args.embeddings) {
    process.env.EMBEDDING_MODEL = "fixture-embed";
    process.env.EMBEDDING_BASE_URL = server.url;
  }
  const handle = await openTestDb();
  const results: Result[] = [];
  try {
    const made = await createUserWithWorkspace(handle.db, {
      email: "eval@example.com",
      name: "Evaluation",
      passwordHash: "not-a-real-hash",
      workspaceName: "Evaluation",
    });
    const owner = { userId: made!.user.id, workspaceId: made!.workspace.id };
    await handle.db.update(workspaces).set({ plan: "scale" }).where(eq(workspaces.id, owner.workspaceId));
    for (const b of businesses) {
      for (const engine of engines) {
        const s = await setUp(handle.db, b, engine, owner);
        for (const half of halves)
          for (const q of withVariants(b.halves[half].filter(selected), b.language))
            results.push(await ask(handle.db, b, half, q, engine, s, server));
      }
    }
  } finally {
    await handle.close();
    await server?.close();
  }
  report(results, businesses);
  reportVariants(results);
  if (args.verbose) printFailures(results);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const out = path.join(OUT_DIR, "results.json");
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), halves, engines, results }, null, 2));
  console.log(
    `\n  ${results.length} questions in ${((performance.now() - started) / 1000).toFixed(1)} s; details in ${path.relative(process.cwd(), out)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * `npm run bench`: Parley's benchmark (issue 8). From a clean clone, in a few minutes, it
 *
 *   - builds the app (`next build`; skip with BENCH_SKIP_BUILD=1),
 *   - creates a fresh PostgreSQL database (parley_bench_<random> on BENCH_DATABASE_URL, default
 *     postgres://postgres@127.0.0.1:5432/postgres), migrates and seeds it, and drops it at the end,
 *   - measures, only ever against 127.0.0.1:
 *       1. the framework ceiling: the production server answering a trivial dynamic POST route
 *          (app/api/bench/noop, which exists only with PARLEY_BENCH=1),
 *       2. the Chat API on the built-in engine (conversations of several turns),
 *       3. the Chat API with a model answering after 1 s, 500 concurrent conversations,
 *       4. scale-out: two app processes behind a round-robin proxy vs one, and exact limits across both,
 *       5. retrieval latency at 1k, 10k and 100k chunks,
 *       6. first-load JS of each dashboard route,
 *   - prints the goals table and writes bench/RESULTS.md.
 *
 * Load measurements run several times (3 × 10 s; BENCH_QUICK=1: 1 × 5 s) and report medians with their
 * ranges. Every process it starts is stopped, on failure and Ctrl-C too. See bench/README.md.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { dashboardFirstLoadJs, type RouteJs } from "./lib/dashboard";
import { chatRequests, runLoad, TURNS, type LoadResult } from "./lib/load";
import { describeMachine, type Machine } from "./lib/machine";
import { backendPids, backendsCpuMs, createBenchDatabase, DEFAULT_ADMIN_URL, redactUrl, transactionCount, type BenchDatabase } from "./lib/pg";
import {
  BenchError,
  freePort,
  killAllSync,
  runToCompletion,
  startProcess,
  stopAll,
  stopProcess,
  treeCpuMs,
  treePeakRss,
  waitForHttp,
  waitForPort,
  waitIdle,
  type Managed,
} from "./lib/procs";
import { measureRetrieval, type RetrievalPoint } from "./lib/retrieval";
import { benchPlanLimits, QUOTA_M, RATE_LIMIT_N, setupFixture, type BenchFixture, type BenchIntegration } from "./lib/setup";
import { fmt, fmtSummary, kB, MB, median, summarize, type Summary } from "./lib/stats";

// ── Settings ────────────────────────────────────────────────────────────────

const root = process.cwd();
const env = process.env;
const QUICK = env.BENCH_QUICK === "1";
const cfg = {
  quick: QUICK,
  runs: Number(env.BENCH_RUNS || (QUICK ? 1 : 3)),
  seconds: Number(env.BENCH_SECONDS || (QUICK ? 5 : 10)),
  warmupSeconds: QUICK ? 2 : 4,
  connections: Number(env.BENCH_CONNECTIONS || 32),
  slowConnections: Number(env.BENCH_SLOW_CONNECTIONS || 500),
  modelDelayMs: 1000,
  retrievalSizes: [1_000, 10_000, 100_000],
  retrievalQueries: QUICK ? 64 : 320,
  retrievalSeconds: QUICK ? 10 : 30,
  /** Turns of each of the slow measure's conversations per run. */
  slowTurns: QUICK ? 2 : 3,
  timeoutSeconds: Number(env.BENCH_TIMEOUT_S || 900),
};

const GOALS = {
  chatVsNoop: 0.5,
  overheadP50: 0.02,
  overheadP99: 0.05,
  scaleOut: 1.7,
  retrievalRatio: 3,
  firstLoadBytes: 180_000,
};

const log = (line = "") => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ── Results ─────────────────────────────────────────────────────────────────

type RunCpu = { serverMsPerReq: number; pgMsPerReq?: number; xactsPerReq?: number };
type Measured = LoadResult & RunCpu;

type Results = {
  machine?: Machine;
  buildSeconds?: number;
  noop: Measured[];
  chat: Measured[];
  chatPeakRss?: number;
  slow: Measured[];
  slowPeakRss?: number;
  fixtureAlone?: LoadResult;
  one: LoadResult[];
  oneDirect: LoadResult[];
  two: LoadResult[];
  noopDisabledStatus?: number;
  limits?: { rate: Record<string, number>; quota: Record<string, number> };
  retrieval: RetrievalPoint[];
  dashboard: RouteJs[];
  errors: { phase: string; message: string }[];
  loadAtEnd?: string;
};

const results: Results = { noop: [], chat: [], slow: [], one: [], oneDirect: [], two: [], retrieval: [], dashboard: [], errors: [] };

// ── Cleanup ─────────────────────────────────────────────────────────────────

let database: BenchDatabase | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll().catch((error: unknown) => console.error("stopping processes:", error));
    if (database) {
      await database.drop().catch((error: unknown) => console.error(`dropping database ${database?.name}:`, error));
    }
  })();
  return cleaning;
}

function abort(reason: string, code: number): void {
  console.error(`\n${reason}: stopping every process the benchmark started…`);
  void cleanup().finally(() => process.exit(code));
  setTimeout(() => {
    killAllSync();
    process.exit(code);
  }, 20_000).unref();
}

process.on("SIGINT", () => abort("Interrupted", 130));
process.on("SIGTERM", () => abort("Terminated", 143));
process.on("SIGHUP", () => abort("Hung up", 129));
process.on("uncaughtException", (error) => {
  console.error(error);
  abort("Unexpected error", 1);
});
process.on("unhandledRejection", (error) => {
  console.error(error);
  abort("Unexpected error", 1);
});
process.on("exit", () => killAllSync());

// ── Processes ───────────────────────────────────────────────────────────────

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-"));

/** The environment of every app process: production, quiet, on the bench database, limits from setup. */
function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...env };
  // Configuration of the caller's own deployment must not leak into the measured one.
  for (const key of Object.keys(base)) {
    if (/^(PARLEY_|LLM_|REDIS_URL$|TRUSTED_PROXIES$|PUBLIC_BASE_URL$|DATABASE_URL$|BENCH_)/.test(key)) delete base[key];
  }
  return { ...base, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", HOST: "127.0.0.1", PARLEY_LOG: "silent", PARLEY_SEED: "0", ...extra };
}

type App = { proc: Managed; port: number; url: string };

async function startApp(name: string, serverEnv: Record<string, string>, opts: { bench: boolean }): Promise<App> {
  const port = await freePort();
  const proc = startProcess(name, process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: appEnv({ ...serverEnv, PORT: String(port), ...(opts.bench ? { PARLEY_BENCH: "1" } : {}) }),
    logDir,
  });
  const url = `http://127.0.0.1:${port}`;
  // Any HTTP answer means Next is prepared and listening; the noop route is the cheapest to ask.
  await waitForHttp(`${url}/api/bench/noop`, proc, { method: "POST", timeoutMs: 120_000 });
  return { proc, port, url };
}

async function startProxy(name: string, targets: number[]): Promise<{ proc: Managed; port: number; url: string }> {
  const port = await freePort();
  const proc = startProcess(
    name,
    process.execPath,
    ["--import", "tsx", "bench/proxy.ts", "--port", String(port), ...targets.flatMap((t) => ["--target", `127.0.0.1:${t}`])],
    { cwd: root, env: { ...env }, logDir },
  );
  await waitForPort(port, proc);
  return { proc, port, url: `http://127.0.0.1:${port}` };
}

// ── Measures ────────────────────────────────────────────────────────────────

const chatPath = (i: BenchIntegration) => `/chat/custom/${i.integrationId}`;

async function measured(app: App, db: BenchDatabase | null, run: () => Promise<LoadResult>): Promise<Measured> {
  await waitIdle(app.proc.pid);
  if (db) await sleep(1_500); // so that the previous run's statistics have reached pg_stat_database
  const pids = db ? await backendPids(db) : [];
  const xacts0 = db ? await transactionCount(db) : 0;
  const cpu0 = treeCpuMs(app.proc.pid);
  const pg0 = backendsCpuMs(pids);
  const r = await run();
  const cpu1 = treeCpuMs(app.proc.pid);
  const pg1 = backendsCpuMs(pids);
  const requests = r.ok + r.non2xx;
  const per = (total: number) => (requests ? total / requests : NaN);
  const out: Measured = { ...r, serverMsPerReq: per(cpu1 - cpu0) };
  if (db) {
    await sleep(1_500); // statistics reach pg_stat_database within about a second
    out.pgMsPerReq = per(pg1 - pg0);
    out.xactsPerReq = per((await transactionCount(db)) - xacts0);
  }
  return out;
}

function describeLoad(r: Measured | LoadResult): string {
  const bad = r.non2xx + r.errors + r.timeouts;
  const cpu = "serverMsPerReq" in r ? `, server CPU ${fmt(r.serverMsPerReq, 2)} ms/req` : "";
  const pg = "pgMsPerReq" in r && r.pgMsPerReq !== undefined ? `, Postgres CPU ${fmt(r.pgMsPerReq, 2)} ms/req` : "";
  const statuses = bad ? `, NOT OK: ${JSON.stringify(r.statuses)} errors ${r.errors} timeouts ${r.timeouts}` : "";
  return `${fmt(r.rps)} req/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms${cpu}${pg}${statuses}`;
}

async function sanityChat(app: App, integration: BenchIntegration): Promise<void> {
  const res = await fetch(`${app.url}${chatPath(integration)}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": integration.apiKey },
    body: JSON.stringify({ message: "What plans do you offer?", user_id: "bench_sanity" }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new BenchError(`The Chat API answered ${res.status} to a plain request: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { reply?: string; conversation_id?: string };
  if (!body.reply || !body.conversation_id) throw new BenchError(`The Chat API's answer lacks reply or conversation_id: ${text.slice(0, 300)}`);
}

async function phase(name: string, work: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  log(`\n▶ ${name}`);
  try {
    await work();
    log(`  (${fmt((performance.now() - t0) / 1000, 0)} s)`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.errors.push({ phase: name, message });
    console.error(`  ✗ ${name} failed: ${message}`);
    if (!(error instanceof BenchError) && error instanceof Error && error.stack) console.error(error.stack);
  }
}

/** 1 and 2 side by side on one server, runs interleaved so that drift on a shared machine hits both. */
async function frameworkAndChat(app: App, db: BenchDatabase, fixture: BenchFixture): Promise<void> {
  const noop = () =>
    runLoad({
      url: `${app.url}/api/bench/noop`,
      connections: cfg.connections,
      seconds: cfg.seconds,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "What plans do you offer?", user_id: "user_1" }),
    });
  const chat = (seconds = cfg.seconds) =>
    runLoad({ url: app.url, connections: cfg.connections, seconds, requests: chatRequests(chatPath(fixture.chat), fixture.chat.apiKey) });

  log(`  warming up (${cfg.warmupSeconds} s each)…`);
  await runLoad({ url: `${app.url}/api/bench/noop`, connections: cfg.connections, seconds: cfg.warmupSeconds, method: "POST", body: "{}" });
  await chat(cfg.warmupSeconds);
  for (let i = 0; i < cfg.runs; i++) {
    const n = await measured(app, null, noop);
    results.noop.push(n);
    log(`  run ${i + 1}/${cfg.runs} (1) noop: ${describeLoad(n)}`);
    const c = await measured(app, db, () => chat());
    results.chat.push(c);
    log(`  run ${i + 1}/${cfg.runs} (2) chat: ${describeLoad(c)}, ${fmt(c.xactsPerReq ?? NaN, 1)} DB transactions/req`);
  }
  results.chatPeakRss = treePeakRss(app.proc.pid);
  log(`  server peak memory (VmHWM): ${MB(results.chatPeakRss)}`);
}

async function slowModel(app: App, fixture: BenchFixture, modelUrl: string): Promise<void> {
  // The fixture alone at the same concurrency: the floor any overhead is measured against.
  results.fixtureAlone = await runLoad({
    url: `${modelUrl}/v1/chat/completions`,
    connections: cfg.slowConnections,
    seconds: Math.max(3, cfg.seconds / 2),
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "fixture", messages: [{ role: "user", content: "Hello" }] }),
  });
  log(`  model fixture alone: ${describeLoad(results.fixtureAlone)}`);
  // Each run is a conversation of slowTurns turns on every connection, all at once: every request
  // is waited for (up to 30 s), so a slow server shows as latency or errors instead of going unseen.
  const slow = (turns: number) =>
    runLoad({
      url: app.url,
      connections: cfg.slowConnections,
      seconds: 0,
      amount: cfg.slowConnections * turns,
      timeoutSeconds: 30,
      requests: chatRequests(chatPath(fixture.llm), fixture.llm.apiKey),
    });
  log("  warming up (one turn on every connection)…");
  await slow(1);
  for (let i = 0; i < cfg.runs; i++) {
    const r = await measured(app, null, () => slow(cfg.slowTurns));
    results.slow.push(r);
    log(
      `  run ${i + 1}/${cfg.runs} (3) ${cfg.slowConnections} conversations × ${cfg.slowTurns} turns in ${fmt(r.seconds, 1)} s: ${describeLoad(r)}; overhead p50 ${fmt(r.p50 - cfg.modelDelayMs)} ms, p99 ${fmt(r.p99 - cfg.modelDelayMs)} ms`,
    );
  }
  results.slowPeakRss = treePeakRss(app.proc.pid);
}

type Fired = Record<string, number>;

/** `count` simultaneous requests spread over the given servers; counts "200", "429:rate_limited", …. */
async function fire(urls: string[], integration: BenchIntegration, count: number): Promise<Fired> {
  const tally: Fired = {};
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      let key: string;
      try {
        const res = await fetch(`${urls[i % urls.length]}${chatPath(integration)}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": integration.apiKey },
          body: JSON.stringify({ message: "Where is my order?", user_id: `limit_${i}` }),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.text();
        key = String(res.status);
        if (res.status !== 200) {
          try {
            key += `:${(JSON.parse(text) as { error?: { code?: string } }).error?.code ?? "?"}`;
          } catch {
            key += ":?";
          }
        }
      } catch (error) {
        key = `network:${error instanceof Error ? error.name : "error"}`;
      }
      tally[key] = (tally[key] ?? 0) + 1;
    }),
  );
  return tally;
}

async function scaleOut(serverEnv: Record<string, string>, db: BenchDatabase, fixture: BenchFixture): Promise<void> {
  const b1 = await startApp("app-b1", serverEnv, { bench: false });
  const b2 = await startApp("app-b2", serverEnv, { bench: false });
  const probe = await fetch(`${b1.url}/api/bench/noop`, { method: "POST", body: "{}" });
  results.noopDisabledStatus = probe.status;
  await probe.arrayBuffer();
  log(`  the noop route without PARLEY_BENCH answers ${probe.status}`);
  await sanityChat(b1, fixture.chat);
  await sanityChat(b2, fixture.chat);
  const one = await startProxy("proxy-one", [b1.port]);
  const two = await startProxy("proxy-two", [b1.port, b2.port]);
  const load = (url: string, seconds = cfg.seconds) =>
    runLoad({ url, connections: cfg.connections, seconds, requests: chatRequests(chatPath(fixture.chat), fixture.chat.apiKey) });

  const idle = () => Promise.all([waitIdle(b1.proc.pid), waitIdle(b2.proc.pid)]);

  log(`  warming up (${cfg.warmupSeconds} s)…`);
  await load(two.url, cfg.warmupSeconds);
  for (let i = 0; i < cfg.runs; i++) {
    await idle();
    const a = await load(one.url);
    results.one.push(a);
    log(`  run ${i + 1}/${cfg.runs} one process (via proxy): ${describeLoad(a)}`);
    await idle();
    const b = await load(two.url);
    results.two.push(b);
    log(`  run ${i + 1}/${cfg.runs} two processes (via proxy): ${describeLoad(b)}`);
    await idle();
    const c = await load(b1.url);
    results.oneDirect.push(c);
    log(`  run ${i + 1}/${cfg.runs} one process (direct, no proxy): ${describeLoad(c)}`);
  }
  await idle();

  // Limits across both processes, with the database clock frozen so the rate limit cannot refill mid-burst.
  await db.sql`insert into app_clock (id, now) values (1, now()) on conflict (id) do update set now = excluded.now`;
  try {
    const rate = await fire([b1.url, b2.url], fixture.rate, 3 * RATE_LIMIT_N);
    const quota = await fire([b1.url, b2.url], fixture.quota, 3 * QUOTA_M);
    results.limits = { rate, quota };
    log(`  rate limit ${RATE_LIMIT_N}/min, ${3 * RATE_LIMIT_N} simultaneous requests over 2 processes: ${JSON.stringify(rate)}`);
    log(`  quota ${QUOTA_M}/month, ${3 * QUOTA_M} simultaneous requests over 2 processes: ${JSON.stringify(quota)}`);
  } finally {
    await db.sql`delete from app_clock where id = 1`;
  }
  await Promise.all([stopProcess(one.proc), stopProcess(two.proc), stopProcess(b1.proc), stopProcess(b2.proc)]);
}

// ── Report ──────────────────────────────────────────────────────────────────

type GoalRow = { measure: string; goal: string; result: string; met: boolean | null };

const mark = (met: boolean | null) => (met === null ? "not measured" : met ? "met" : "NOT met");

/** Ratios of runs made side by side (run i of one with run i of the other): their median and range. */
function ratioSummary(top: number[], bottom: number[]): Summary | null {
  const pairs = top.slice(0, bottom.length).map((t, i) => t / bottom[i]!);
  return pairs.length ? summarize(pairs) : null;
}

function goalRows(): GoalRow[] {
  const rows: GoalRow[] = [];
  const chatVsNoop = ratioSummary(results.chat.map((r) => r.rps), results.noop.map((r) => r.rps));
  rows.push({
    measure: "(2) ÷ (1) throughput",
    goal: `≥ ${GOALS.chatVsNoop}`,
    result: chatVsNoop ? `${fmtSummary(chatVsNoop, 2)} (${fmt(median(results.chat.map((r) => r.rps)))} ÷ ${fmt(median(results.noop.map((r) => r.rps)))} req/s)` : "n/a",
    met: chatVsNoop ? chatVsNoop.median >= GOALS.chatVsNoop : null,
  });

  if (results.slow.length) {
    const p50 = summarize(results.slow.map((r) => r.p50 - cfg.modelDelayMs));
    const p99 = summarize(results.slow.map((r) => r.p99 - cfg.modelDelayMs));
    const errors = results.slow.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
    const answered = results.slow.every((r) => r.ok > 0);
    const p50Goal = cfg.modelDelayMs * GOALS.overheadP50;
    const p99Goal = cfg.modelDelayMs * GOALS.overheadP99;
    rows.push({
      measure: `(3) overhead at ${cfg.slowConnections} concurrent`,
      goal: `p50 < ${fmt(p50Goal)} ms, p99 < ${fmt(p99Goal)} ms, 0 errors`,
      result: `p50 ${fmtSummary(p50, 0, "ms")}, p99 ${fmtSummary(p99, 0, "ms")}, ${errors} errors`,
      met: answered && p50.median < p50Goal && p99.median < p99Goal && errors === 0,
    });
  } else rows.push({ measure: `(3) overhead at ${cfg.slowConnections} concurrent`, goal: "p50 < 20 ms, p99 < 50 ms, 0 errors", result: "n/a", met: null });

  const scale = ratioSummary(results.two.map((r) => r.rps), results.one.map((r) => r.rps));
  const limits = results.limits;
  const limitsExact = limits
    ? limits.rate["200"] === RATE_LIMIT_N &&
      limits.rate["429:rate_limited"] === 2 * RATE_LIMIT_N &&
      limits.quota["200"] === QUOTA_M &&
      limits.quota["429:quota_exceeded"] === 2 * QUOTA_M
    : null;
  rows.push({
    measure: "(4) two processes ÷ one",
    goal: `≥ ${GOALS.scaleOut}, limits exact`,
    result: scale
      ? `${fmtSummary(scale, 2)}; limits ${limitsExact === null ? "not checked" : limitsExact ? `exact (${limits!.rate["200"]}/${RATE_LIMIT_N} rate, ${limits!.quota["200"]}/${QUOTA_M} quota)` : `NOT exact (${JSON.stringify(limits)})`}`
      : "n/a",
    met: scale && limitsExact !== null ? scale.median >= GOALS.scaleOut && limitsExact : null,
  });

  const first = results.retrieval.find((p) => p.chunks === 1_000);
  const last = results.retrieval.find((p) => p.chunks === 100_000);
  rows.push({
    measure: "(5) 100k ÷ 1k chunks",
    goal: `≤ ${GOALS.retrievalRatio}`,
    result: first && last ? `${fmt(last.medianMs / first.medianMs, 1)} (${fmt(last.medianMs, 2)} ms ÷ ${fmt(first.medianMs, 2)} ms)` : "n/a",
    met: first && last ? last.medianMs / first.medianMs <= GOALS.retrievalRatio : null,
  });

  const heaviest = [...results.dashboard].sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
  rows.push({
    measure: "(6) first-load JS per route",
    goal: `≤ ${fmt(GOALS.firstLoadBytes / 1000)} kB gzip`,
    result: heaviest ? `largest ${kB(heaviest.gzipBytes)} (${heaviest.route}); ${results.dashboard.filter((r) => r.gzipBytes > GOALS.firstLoadBytes).length} of ${results.dashboard.length} routes over` : "n/a",
    met: heaviest ? heaviest.gzipBytes <= GOALS.firstLoadBytes : null,
  });
  return rows;
}

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

function loadRow(name: string, runs: (LoadResult | Measured)[], extra: (runs: Measured[]) => string[] = () => []): string[] {
  if (!runs.length) return [name, "n/a", "n/a", "n/a", "n/a", ...extra([])];
  const bad = runs.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
  return [
    name,
    fmtSummary(summarize(runs.map((r) => r.rps))),
    fmtSummary(summarize(runs.map((r) => r.p50)), 0, "ms"),
    fmtSummary(summarize(runs.map((r) => r.p99)), 0, "ms"),
    String(bad),
    ...extra(runs as Measured[]),
  ];
}

function report(): string {
  const m = results.machine;
  const out: string[] = [];
  out.push("# Benchmark results", "");
  out.push(`Written by \`npm run bench\` (bench/run.ts) on ${m?.date ?? new Date().toISOString()}. Goals are from issue 8; ratios are measured side by side in one run.`, "");
  if (m) {
    out.push("## Machine", "");
    out.push(
      table(
        ["", ""],
        [
          ["CPU", m.cpu],
          ["Cores", String(m.cores)],
          ["Memory", m.memory],
          ["OS", m.os],
          ["Node.js", m.node],
          ["PostgreSQL", m.postgres],
          ["Commit", m.commit],
          ["Load average at start (1/5/15 min)", m.loadAtStart],
          ["Load average at end", results.loadAtEnd ?? "n/a"],
        ],
      ),
      "",
    );
  }
  out.push(
    "The machine may be shared with other work: a load average near or above the core count means other processes competed for the CPU, which lowers absolute figures more than the side-by-side ratios.",
    "",
  );
  out.push(
    `Settings: ${cfg.runs} run(s) × ${cfg.seconds} s per load measure (after a warm-up), ${cfg.connections} connections for (1), (2) and (4), ` +
      `${cfg.slowConnections} for (3); medians, with the range of the runs in parentheses; a ratio is the median of the ratios of runs made one after the other.${cfg.quick ? " **Quick mode (BENCH_QUICK=1): fewer, shorter runs.**" : ""}`,
    "",
  );

  out.push("## Goals", "");
  out.push(table(["measure", "goal", "result", ""], goalRows().map((r) => [r.measure, r.goal, r.result, mark(r.met)])), "");

  out.push("## Details", "");
  out.push("### (1) Framework ceiling, (2) Chat API (built-in engine)", "");
  out.push(
    table(
      ["", "req/s", "p50", "p99", "non-2xx + errors", "server CPU / req", "Postgres CPU / req", "DB transactions / req"],
      [
        loadRow("(1) POST /api/bench/noop", results.noop, (runs) => [runs.length ? fmtSummary(summarize(runs.map((r) => r.serverMsPerReq)), 2, "ms") : "n/a", "–", "–"]),
        loadRow("(2) POST /chat/custom/:id", results.chat, (runs) =>
          runs.length
            ? [
                fmtSummary(summarize(runs.map((r) => r.serverMsPerReq)), 2, "ms"),
                fmtSummary(summarize(runs.map((r) => r.pgMsPerReq ?? NaN)), 2, "ms"),
                fmtSummary(summarize(runs.map((r) => r.xactsPerReq ?? NaN)), 1),
              ]
            : ["n/a", "n/a", "n/a"],
        ),
      ],
    ),
    "",
  );
  out.push(
    `Chat workload: each connection is one end user holding a ${TURNS}-turn conversation (the first message starts it, the next ones resume it by conversation_id), then starting another; six scripted conversations about plans, shipping, returns and support, with follow-ups that borrow context. ` +
      `Server peak memory (VmHWM) after (1) and (2): ${results.chatPeakRss ? MB(results.chatPeakRss) : "n/a"}. ` +
      "Postgres CPU counts the app pool's backends on the bench database only.",
    "",
  );

  out.push(`### (3) Chat API with a model answering after ${fmt(cfg.modelDelayMs)} ms, ${cfg.slowConnections} concurrent conversations`, "");
  const overhead = (runs: Measured[], key: "p50" | "p99") => (runs.length ? fmtSummary(summarize(runs.map((r) => r[key] - cfg.modelDelayMs)), 0, "ms") : "n/a");
  out.push(
    table(
      ["", "req/s", "p50", "p99", "non-2xx + errors", "overhead p50", "overhead p99", "server CPU / req"],
      [
        [...loadRow("model fixture alone", results.fixtureAlone ? [results.fixtureAlone] : []), results.fixtureAlone ? `${fmt(results.fixtureAlone.p50 - cfg.modelDelayMs)} ms` : "n/a", results.fixtureAlone ? `${fmt(results.fixtureAlone.p99 - cfg.modelDelayMs)} ms` : "n/a", "–"],
        loadRow("Chat API, model engine", results.slow, (runs) => [overhead(runs, "p50"), overhead(runs, "p99"), runs.length ? fmtSummary(summarize(runs.map((r) => r.serverMsPerReq)), 2, "ms") : "n/a"]),
      ],
    ),
    "",
  );
  out.push(
    `Each run: ${cfg.slowConnections} connections at once, each holding a conversation of ${cfg.slowTurns} turns with the model-engine bot (same knowledge as (2)); every request is waited for (30 s timeout), so a server that falls behind shows as latency, not as requests left unanswered at a cut-off. ` +
      `Overhead = response time − ${fmt(cfg.modelDelayMs)} ms of model time. Run length: ${results.slow.length ? fmtSummary(summarize(results.slow.map((r) => r.seconds)), 1, "s") : "n/a"}. ` +
      `Server peak memory after (3): ${results.slowPeakRss ? MB(results.slowPeakRss) : "n/a"}.`,
    "",
  );

  out.push("### (4) Scale-out", "");
  out.push(
    table(
      ["", "req/s", "p50", "p99", "non-2xx + errors"],
      [loadRow("one process, via the proxy", results.one), loadRow("two processes, via the proxy", results.two), loadRow("one process, direct (no proxy)", results.oneDirect)],
    ),
    "",
  );
  out.push(
    "Both go through bench/proxy.ts (round robin per connection; with one target for the single process), so the ratio isolates the second process. " +
      `Same workload as (2). The noop route on a server started without PARLEY_BENCH answered ${results.noopDisabledStatus ?? "n/a"}.`,
    "",
  );
  if (results.limits) {
    out.push(
      `Limits across both processes (database clock frozen during the burst, so nothing refills): ${3 * RATE_LIMIT_N} simultaneous requests against a rate limit of ${RATE_LIMIT_N}/min → \`${JSON.stringify(results.limits.rate)}\`; ` +
        `${3 * QUOTA_M} against a monthly quota of ${QUOTA_M} → \`${JSON.stringify(results.limits.quota)}\`.`,
      "",
    );
  }

  out.push("### (5) Retrieval (fullTextRetriever, k = 6)", "");
  out.push(
    table(
      ["chunks", "median", "p95", "queries", "passages returned (median)", "insert time"],
      results.retrieval.map((p) => [fmt(p.chunks), `${fmt(p.medianMs, 2)} ms`, `${fmt(p.p95Ms, 2)} ms`, String(p.queries), fmt(p.medianHits), `${fmt(p.insertSeconds, 1)} s`]),
    ),
    "",
  );
  out.push(
    "One bot per size, all in the same table (synthetic help-centre articles in ten categories: 50 chunks of 400–1,100 characters per source, each article focused on a few of its category's words); " +
      "16 realistic questions, some of them follow-ups with context, one at a time, the sizes visited in turn so that background load hits each alike.",
    "",
  );

  out.push("### (6) Dashboard first-load JS (gzip level 9)", "");
  out.push(
    table(
      ["route", "files", "raw", "gzip", ""],
      results.dashboard.map((r) => [r.route, String(r.files), kB(r.rawBytes), kB(r.gzipBytes), r.gzipBytes <= GOALS.firstLoadBytes ? "ok" : "over"]),
    ),
    "",
  );
  if (results.dashboard[0]) out.push(`Of which shared by every page (root main files): ${kB(results.dashboard[0].sharedGzipBytes)}.`, "");

  if (results.errors.length) {
    out.push("## Errors", "");
    for (const e of results.errors) out.push(`- ${e.phase}: ${e.message.split("\n")[0]}`);
    out.push("");
  }
  return out.join("\n");
}

// ── Main ────────────────────────────────────────────────────────────────────

async function main(): Promise<number> {
  const started = performance.now();
  const watchdog = setTimeout(() => abort(`The benchmark ran over BENCH_TIMEOUT_S (${cfg.timeoutSeconds} s)`, 1), cfg.timeoutSeconds * 1000);
  watchdog.unref();
  if (!fs.existsSync(path.join(root, "server.ts")) || !fs.existsSync(path.join(root, "bench", "run.ts"))) {
    throw new BenchError("Run the benchmark from the repository's root: npm run bench");
  }
  log(`Parley benchmark${cfg.quick ? " (quick)" : ""}: logs in ${logDir}`);

  const adminUrl = env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
  database = await createBenchDatabase(adminUrl);
  const db = database;
  results.machine = describeMachine(root, db.serverVersion);
  log(`Database ${db.name} on ${redactUrl(adminUrl)} (PostgreSQL ${db.serverVersion}); ${results.machine.cpu}, ${results.machine.cores} cores, Node ${process.version}`);

  if (env.BENCH_SKIP_BUILD === "1") {
    if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) throw new BenchError("BENCH_SKIP_BUILD=1 but there is no build in .next: run `npm run build` first.");
    log("\n▶ build skipped (BENCH_SKIP_BUILD=1)");
  } else {
    log("\n▶ next build");
    const t0 = performance.now();
    const build = startProcess("build", process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: root,
      env: { ...env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      logDir,
    });
    await runToCompletion(build, 8 * 60_000);
    results.buildSeconds = (performance.now() - t0) / 1000;
    log(`  built in ${fmt(results.buildSeconds)} s`);
  }

  log("\n▶ setup: migrate and seed");
  const fixture = await setupFixture(db.url, db.sql, "http://127.0.0.1");
  log(`  workspace ${fixture.chat.workspaceId}, integrations ${fixture.chat.integrationId} (built-in), ${fixture.llm.integrationId} (model)`);

  const modelPort = await freePort();
  const model = startProcess(
    "model-fixture",
    process.execPath,
    ["--import", "tsx", "tests/fixtures/openai-server.ts", "--port", String(modelPort), "--delay", String(cfg.modelDelayMs)],
    { cwd: root, env: { ...env }, logDir },
  );
  await waitForPort(modelPort, model);
  const modelUrl = `http://127.0.0.1:${modelPort}`;

  const serverEnv: Record<string, string> = {
    DATABASE_URL: db.url,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    PARLEY_PLAN_LIMITS: benchPlanLimits(),
    LLM_BASE_URL: `${modelUrl}/v1`,
    LLM_MODEL: "fixture",
    LLM_TIMEOUT_MS: "30000",
  };

  const running: { app?: App } = {};
  const appA = async () => (running.app ??= await startApp("app-a", serverEnv, { bench: true }));
  await phase("(1) framework ceiling and (2) Chat API, built-in engine", async () => {
    const app = await appA();
    await sanityChat(app, fixture.chat);
    await frameworkAndChat(app, db, fixture);
  });
  await phase(`(3) Chat API with a ${fmt(cfg.modelDelayMs)} ms model, ${cfg.slowConnections} concurrent conversations`, async () => {
    const app = await appA();
    await sanityChat(app, fixture.llm);
    await slowModel(app, fixture, modelUrl);
  });
  if (running.app) await stopProcess(running.app.proc);
  await phase("(4) scale-out: two processes vs one, limits across both", () => scaleOut(serverEnv, db, fixture));
  await stopAll(); // the model fixture and anything a failed phase left running

  await phase("(5) retrieval at 1k, 10k and 100k chunks", async () => {
    results.retrieval = await measureRetrieval(db.url, db.sql, {
      workspaceId: fixture.chat.workspaceId,
      sizes: cfg.retrievalSizes,
      queriesPerSize: cfg.retrievalQueries,
      seconds: cfg.retrievalSeconds,
      log,
    });
  });
  await phase("(6) dashboard first-load JS", async () => {
    results.dashboard = dashboardFirstLoadJs(root);
    for (const r of results.dashboard) log(`  ${r.route.padEnd(36)} ${kB(r.gzipBytes).padStart(10)} gzip (${r.files} files)`);
  });

  await cleanup();
  clearTimeout(watchdog);
  results.loadAtEnd = os.loadavg().map((l) => l.toFixed(2)).join(" / ");

  const rows = goalRows();
  log("\n" + table(["measure", "goal", "result", ""], rows.map((r) => [r.measure, r.goal, r.result, mark(r.met)])));
  const file = path.join(root, "bench", "RESULTS.md");
  fs.writeFileSync(file, report() + "\n");
  log(`\nWrote ${path.relative(root, file)} in ${fmt((performance.now() - started) / 1000)} s total. Logs: ${logDir}`);
  if (results.errors.length) {
    console.error(`\n${results.errors.length} measure(s) failed: ${results.errors.map((e) => e.phase).join("; ")}`);
    return 1;
  }
  return 0;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(`\nThe benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof BenchError) && error instanceof Error && error.stack) console.error(error.stack);
    await cleanup();
    process.exit(1);
  });

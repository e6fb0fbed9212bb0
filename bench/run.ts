/**
 * `npm run bench`: Parley's benchmark (issues 8 and 16). From a clean clone, in about a quarter of an hour, it
 *
 *   - builds the app with PARLEY_BENCH=1 (`next build`; skip with --skip-build), which adds the noop route,
 *   - creates a fresh PostgreSQL database (parley_bench_<random> on BENCH_DATABASE_URL, default
 *     postgres://postgres@127.0.0.1:5432/postgres), migrates and seeds it, and drops it at the end,
 *   - measures, only ever against 127.0.0.1 (each measure is a row; `--only` picks rows):
 *       ratio      1. the framework ceiling (app/api/bench/noop/route.bench.ts, built only with PARLEY_BENCH=1)
 *                  2. the Chat API on the built-in engine (conversations of several turns), 32 connections,
 *       open-loop  3. the Chat API with a model answering after 1 s, messages arriving at 50, 100 and
 *                     200 per second with random (Poisson) spacing, whatever the replies do,
 *       surge      4. the same model, 500 conversations starting at the same instant,
 *       cpu        5. app CPU per request on the built-in and the model path (model answering at once),
 *       streams       and memory per in-flight streaming request (2,000 open streams),
 *       scale-out  6. 1, 2 and 4 app processes, each capped to the same CPU quota (cgroup), behind a
 *                     round-robin proxy, and exact limits across them,
 *       retrieval  7. retrieval latency at 1k, 10k and 100k chunks,
 *       dashboard  8. first-load JS of each dashboard route,
 *       widget     9. the website widget's script (public/widget.js), gzip,
 *       import    10. the Chat API at a steady 50 messages/s, quiet and while the app reads a hostile PDF
 *                     (issue 13: imports never touch serving),
 *   - prints the goals table (every row with its goal) and writes bench/RESULTS.md.
 *
 * Load measures run several times (--runs, default 3) and report medians with their ranges. Every process
 * and cgroup it makes is removed, on failure and Ctrl-C too. See bench/README.md and `npm run bench -- --help`.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { modelControl, type ModelControl } from "./model-fixture";
import { openLoop, surge, type ArrivalResult, type ChatTarget } from "./lib/arrivals";
import { cpuGroupsUnavailable, createCpuGroup, removeAll as removeCpuGroups, removeStale } from "./lib/cgroup";
import { dashboardFirstLoadJs, type RouteJs } from "./lib/dashboard";
import { chatRequests, runLoad, TURNS, type LoadResult } from "./lib/load";
import { describeMachine, type Machine } from "./lib/machine";
import {
  backendPids,
  backendsCpuMs,
  createBenchDatabase,
  DEFAULT_ADMIN_URL,
  redactUrl,
  transactionCount,
  type BenchDatabase,
} from "./lib/pg";
import {
  BenchError,
  freePort,
  killAllSync,
  processTree,
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
import {
  benchPlanLimits,
  QUOTA_M,
  RATE_LIMIT_N,
  setupFixture,
  type BenchFixture,
  type BenchIntegration,
} from "./lib/setup";
import { openStreams, type StreamsResult } from "./lib/streams";
import { fmt, fmtSummary, kB, MB, median, summarize, type Summary } from "./lib/stats";
import { widgetBundleSize, type WidgetSize } from "./lib/widget-size";
import { queueHostileImport } from "./lib/import-load";

// ── Settings ────────────────────────────────────────────────────────────────

const ROWS = [
  "ratio",
  "open-loop",
  "surge",
  "cpu",
  "streams",
  "scale-out",
  "retrieval",
  "dashboard",
  "widget",
  "import",
] as const;
type Row = (typeof ROWS)[number];

const HELP = `npm run bench -- [options]

  --only <rows>        comma-separated rows to measure (default: all): ${ROWS.join(", ")}
  --runs <n>           runs per load measure, reported as medians with ranges (default 3; --quick: 1)
  --seconds <n>        seconds per load run (default 10; --quick: 5)
  --quick              one short run per load measure (also BENCH_QUICK=1)
  --skip-build         reuse the PARLEY_BENCH=1 build in .next (also BENCH_SKIP_BUILD=1)
  --rates <list>       open-loop arrival rates, messages/s (default 50,100,200)
  --surge <n>          surge: conversations started at once (default 500)
  --cpu-requests <n>   cpu: requests per path per run (default 3000)
  --streams <n>        streams: streaming requests held open at once (default 2000)
  --processes <list>   scale-out: app process counts (default 1,2,4)
  --quota <cores>      scale-out: CPU quota of each app process, in cores (default 0.15)

Environment: BENCH_DATABASE_URL, BENCH_TIMEOUT_S (default 1800), BENCH_RUNS, BENCH_SECONDS,
BENCH_CONNECTIONS (32), BENCH_SLOW_CONNECTIONS (the surge's size). See bench/README.md.`;

const root = process.cwd();
const env = process.env;
const { values: argv } = parseArgs({
  options: {
    only: { type: "string", multiple: true },
    runs: { type: "string" },
    seconds: { type: "string" },
    quick: { type: "boolean" },
    "skip-build": { type: "boolean" },
    rates: { type: "string" },
    surge: { type: "string" },
    "cpu-requests": { type: "string" },
    streams: { type: "string" },
    processes: { type: "string" },
    quota: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (argv.help) {
  console.log(HELP);
  process.exit(0);
}

function numberList(value: string | undefined, fallback: number[], what: string): number[] {
  if (value === undefined) return fallback;
  const list = value.split(",").map((v) => Number(v.trim()));
  if (!list.length || list.some((n) => !(n > 0)))
    throw new Error(`${what} must be a comma-separated list of numbers > 0`);
  return list;
}

function positive(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${what} must be a number > 0, not ${value}`);
  return n;
}

const only = (argv.only ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()) as Row[];
for (const row of only) {
  if (!ROWS.includes(row)) {
    console.error(`Unknown row "${row}" for --only: one of ${ROWS.join(", ")}.`);
    process.exit(2);
  }
}
const selected = (row: Row) => only.length === 0 || only.includes(row);

const QUICK = argv.quick === true || env.BENCH_QUICK === "1";
const cfg = {
  quick: QUICK,
  only,
  skipBuild: argv["skip-build"] === true || env.BENCH_SKIP_BUILD === "1",
  runs: positive(argv.runs ?? env.BENCH_RUNS, QUICK ? 1 : 3, "--runs"),
  seconds: positive(argv.seconds ?? env.BENCH_SECONDS, QUICK ? 5 : 10, "--seconds"),
  warmupSeconds: QUICK ? 2 : 4,
  connections: positive(env.BENCH_CONNECTIONS, 32, "BENCH_CONNECTIONS"),
  modelDelayMs: 1000,
  rates: numberList(argv.rates, [50, 100, 200], "--rates"),
  /** Turns of each conversation in the open-loop and surge measures. */
  modelTurns: 3,
  surgeUsers: positive(argv.surge ?? env.BENCH_SLOW_CONNECTIONS, 500, "--surge"),
  cpuRequests: positive(argv["cpu-requests"], QUICK ? 1000 : 3000, "--cpu-requests"),
  streams: positive(argv.streams, 2000, "--streams"),
  processes: numberList(argv.processes, [1, 2, 4], "--processes").map(Math.round),
  quotaCores: positive(argv.quota, 0.15, "--quota"),
  retrievalSizes: [1_000, 10_000, 100_000],
  retrievalQueries: QUICK ? 64 : 320,
  retrievalSeconds: QUICK ? 10 : 30,
  timeoutSeconds: positive(env.BENCH_TIMEOUT_S, 1800, "BENCH_TIMEOUT_S"),
};

/** Issue 16's "Done when" (and issue 8's rows it keeps). */
const GOALS = {
  chatVsNoop: 0.5,
  /** Open-loop overhead over the model's time at 50 and 100 messages/s, ms. */
  overheadP50Ms: 20,
  overheadP99Ms: 50,
  /** (10): the Chat API's arrival rate (built-in engine) while a hostile PDF is read. */
  importRate: 50,
  /** (10): p99 during the import at most this many times the quiet p99 (and no error). */
  importP99Factor: 3,
  /** The rate the overhead goal is judged at; the others are printed beside it. */
  goalRate: 100,
  modelCpuMs: 1.5,
  scaleOut: { 2: 1.8, 4: 3.4 } as Record<number, number>,
  retrievalRatio: 3,
  firstLoadBytes: 180_000,
  widgetBytes: 25_000,
};

const log = (line = "") => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ── Results ─────────────────────────────────────────────────────────────────

type RunCpu = { serverMsPerReq: number; pgMsPerReq?: number; xactsPerReq?: number };
type Measured = LoadResult & RunCpu;
type Arrivals = ArrivalResult & { serverMsPerReq: number; modelCalls: number };
type Capped = LoadResult & { throttledShare: number };

type Results = {
  machine?: Machine;
  buildSeconds?: number;
  noop: Measured[];
  chat: Measured[];
  chatPeakRss?: number;
  openLoop: Record<number, Arrivals[]>;
  surge: Arrivals[];
  modelPeakRss?: number;
  cpuBuiltin: Measured[];
  cpuModel: (Measured & { modelCallsPerReq: number })[];
  streams: StreamsResult[];
  capped: Record<number, Capped[]>;
  limits?: { processes: number; rate: Record<string, number>; quota: Record<string, number> };
  retrieval: RetrievalPoint[];
  dashboard: RouteJs[];
  widget?: WidgetSize;
  importQuiet: ArrivalResult[];
  importDuring: (ArrivalResult & { importing: boolean; importSeconds: number; importStatus: string })[];
  errors: { phase: string; message: string }[];
  loadAtEnd?: string;
};

const results: Results = {
  noop: [],
  chat: [],
  openLoop: {},
  surge: [],
  cpuBuiltin: [],
  cpuModel: [],
  streams: [],
  capped: {},
  retrieval: [],
  dashboard: [],
  importQuiet: [],
  importDuring: [],
  errors: [],
};

// ── Cleanup ─────────────────────────────────────────────────────────────────

let database: BenchDatabase | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll().catch((error: unknown) => console.error("stopping processes:", error));
    const left = removeCpuGroups();
    if (left.length) console.error(`Could not remove cgroups (processes still in them?): ${left.join(", ")}`);
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
    removeCpuGroups();
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
process.on("exit", () => {
  killAllSync();
  removeCpuGroups();
});

// ── Processes ───────────────────────────────────────────────────────────────

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-"));

/** The environment of every app process: production, quiet, on the bench database, limits from setup. */
function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...env };
  // Configuration of the caller's own deployment must not leak into the measured one.
  for (const key of Object.keys(base)) {
    if (/^(PARLEY_|LLM_|REDIS_URL$|TRUSTED_PROXIES$|PUBLIC_BASE_URL$|DATABASE_URL$|BENCH_)/.test(key)) delete base[key];
  }
  return {
    ...base,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOST: "127.0.0.1",
    PARLEY_LOG: "silent",
    PARLEY_SEED: "0",
    ...extra,
  };
}

type App = { proc: Managed; port: number; url: string };

async function startApp(name: string, serverEnv: Record<string, string>, nodeArgs: string[] = []): Promise<App> {
  const port = await freePort();
  const proc = startProcess(name, process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], {
    cwd: root,
    env: appEnv({ ...serverEnv, PORT: String(port) }),
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
    [
      "--import",
      "tsx",
      "bench/proxy.ts",
      "--port",
      String(port),
      ...targets.flatMap((t) => ["--target", `127.0.0.1:${t}`]),
    ],
    { cwd: root, env: { ...env }, logDir },
  );
  await waitForPort(port, proc);
  return { proc, port, url: `http://127.0.0.1:${port}` };
}

// ── Measures ────────────────────────────────────────────────────────────────

const chatPath = (i: BenchIntegration) => `/chat/custom/${i.integrationId}`;
const target = (app: App, i: BenchIntegration): ChatTarget => ({
  origin: app.url,
  path: chatPath(i),
  apiKey: i.apiKey,
});

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

const badOf = (r: ArrivalResult) => r.non2xx + r.errors + r.timeouts;

function describeArrivals(r: Arrivals): string {
  const bad = badOf(r);
  return (
    `${fmt(r.sent)} sent${Number.isFinite(r.arrivalRate) ? ` (${fmt(r.arrivalRate, 1)}/s)` : ""}, ${fmt(r.ok)} answered; overhead p50 ${fmt(r.overheadP50)} ms, p99 ${fmt(r.overheadP99)} ms ` +
    `(response p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms); server CPU ${fmt(r.serverMsPerReq, 2)} ms/req; ` +
    `model calls ${fmt(r.modelCalls)} (expected ${fmt(r.expectedModelCalls)}); send lag p99 ${fmt(r.sendLagP99)} ms` +
    (bad ? `; NOT OK: ${JSON.stringify(r.statuses)}` : "")
  );
}

async function sanityChat(app: App, integration: BenchIntegration): Promise<void> {
  const res = await fetch(`${app.url}${chatPath(integration)}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": integration.apiKey },
    body: JSON.stringify({ message: "What plans do you offer?", user_id: "bench_sanity" }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new BenchError(`The Chat API answered ${res.status} to a plain request: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { reply?: string; conversation_id?: string };
  if (!body.reply || !body.conversation_id)
    throw new BenchError(`The Chat API's answer lacks reply or conversation_id: ${text.slice(0, 300)}`);
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

/** (1) and (2) side by side on one server, runs interleaved so that drift on a shared machine hits both. */
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
    runLoad({
      url: app.url,
      connections: cfg.connections,
      seconds,
      requests: chatRequests(chatPath(fixture.chat), fixture.chat.apiKey),
    });

  log(`  warming up (${cfg.warmupSeconds} s each)…`);
  await runLoad({
    url: `${app.url}/api/bench/noop`,
    connections: cfg.connections,
    seconds: cfg.warmupSeconds,
    method: "POST",
    body: "{}",
  });
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

/** Runs arrivals against the app, with its CPU time and the model calls the fixture counted. */
async function withModelCount(app: App, model: ModelControl, run: () => Promise<ArrivalResult>): Promise<Arrivals> {
  await waitIdle(app.proc.pid);
  await model.reset();
  const cpu0 = treeCpuMs(app.proc.pid);
  const r = await run();
  const cpu1 = treeCpuMs(app.proc.pid);
  const { completions } = await model.stats();
  return { ...r, serverMsPerReq: r.sent ? (cpu1 - cpu0) / r.sent : NaN, modelCalls: completions };
}

/** (3) Open-loop arrivals at each rate, the rates interleaved run by run. */
/**
 * (10) The Chat API (built-in engine) at a steady arrival rate, quiet and then while the app reads a
 * hostile PDF (pages sharing one large compressed stream) in its import thread: runs alternate, and each
 * import is waited out before the next quiet run.
 */
async function importRow(app: App, db: BenchDatabase, fixture: BenchFixture): Promise<void> {
  const run = (seconds: number, seed: number) =>
    openLoop({
      target: target(app, fixture.chat),
      rate: GOALS.importRate,
      seconds,
      modelDelayMs: 0,
      turns: 3,
      seed,
    });
  await run(cfg.warmupSeconds, 1);
  for (let i = 0; i < cfg.runs; i++) {
    const quiet = await run(cfg.seconds, 20 + i);
    results.importQuiet.push(quiet);
    log(`  quiet:            response p50 ${fmt(quiet.p50)} ms, p99 ${fmt(quiet.p99)} ms, ${badOf(quiet)} errors`);
    const hostile = await queueHostileImport(db.url, {
      workspaceId: fixture.chat.workspaceId,
      botId: fixture.chat.botId,
      pages: 150,
    });
    try {
      await hostile.started(30_000);
      const during = await run(cfg.seconds, 20 + i);
      const importing = (await hostile.status()) === "processing";
      const { status, seconds } = await hostile.settled(300_000);
      results.importDuring.push({ ...during, importing, importSeconds: seconds, importStatus: status });
      log(
        `  during an import: response p50 ${fmt(during.p50)} ms, p99 ${fmt(during.p99)} ms, ${badOf(during)} errors; ` +
          `the import ${importing ? "outlasted the run" : "ended before the run did"} (${status} after ${fmt(seconds, 0)} s)`,
      );
    } finally {
      await hostile.close();
    }
  }
}

async function openLoopRows(app: App, model: ModelControl, fixture: BenchFixture): Promise<void> {
  await model.delay(cfg.modelDelayMs);
  const run = (rate: number, seconds: number, seed: number) =>
    openLoop({
      target: target(app, fixture.llm),
      rate,
      seconds,
      modelDelayMs: cfg.modelDelayMs,
      turns: cfg.modelTurns,
      seed,
    });
  const warmRate = Math.min(...cfg.rates);
  log(`  warming up (${cfg.warmupSeconds} s at ${warmRate}/s)…`);
  await run(warmRate, cfg.warmupSeconds, 1);
  for (let i = 0; i < cfg.runs; i++) {
    for (const rate of cfg.rates) {
      const r = await withModelCount(app, model, () => run(rate, cfg.seconds, 16 + i));
      (results.openLoop[rate] ??= []).push(r);
      log(`  run ${i + 1}/${cfg.runs} ${rate}/s for ${cfg.seconds} s: ${describeArrivals(r)}`);
    }
  }
  results.modelPeakRss = treePeakRss(app.proc.pid);
}

/** (4) The surge: every conversation starts at once, each waits for its replies. */
async function surgeRow(app: App, model: ModelControl, fixture: BenchFixture): Promise<void> {
  await model.delay(cfg.modelDelayMs);
  const run = (turns: number) =>
    surge({
      target: target(app, fixture.llm),
      users: cfg.surgeUsers,
      turns,
      modelDelayMs: cfg.modelDelayMs,
    });
  log("  warming up (one turn on every conversation)…");
  await run(1);
  for (let i = 0; i < cfg.runs; i++) {
    const r = await withModelCount(app, model, () => run(cfg.modelTurns));
    results.surge.push(r);
    log(
      `  run ${i + 1}/${cfg.runs} ${cfg.surgeUsers} conversations × ${cfg.modelTurns} turns in ${fmt(r.seconds, 1)} s: ${describeArrivals(r)}`,
    );
  }
  results.modelPeakRss = Math.max(results.modelPeakRss ?? 0, treePeakRss(app.proc.pid));
}

/** (5) App CPU per request, built-in and model path, over a fixed number of requests (the model answering at once). */
async function cpuRows(app: App, db: BenchDatabase, model: ModelControl, fixture: BenchFixture): Promise<void> {
  await model.delay(0);
  const load = (i: BenchIntegration, amount: number) =>
    runLoad({
      url: app.url,
      connections: cfg.connections,
      seconds: 0,
      amount: Math.max(amount, cfg.connections), // autocannon gives every connection at least one request
      requests: chatRequests(chatPath(i), i.apiKey),
    });
  log(`  warming up (${fmt(cfg.cpuRequests / 4)} requests each)…`);
  await load(fixture.chat, Math.ceil(cfg.cpuRequests / 4));
  await load(fixture.llm, Math.ceil(cfg.cpuRequests / 4));
  for (let i = 0; i < cfg.runs; i++) {
    const b = await measured(app, db, () => load(fixture.chat, cfg.cpuRequests));
    results.cpuBuiltin.push(b);
    log(`  run ${i + 1}/${cfg.runs} built-in, ${fmt(cfg.cpuRequests)} requests: ${describeLoad(b)}`);
    await model.reset();
    const m = await measured(app, db, () => load(fixture.llm, cfg.cpuRequests));
    const calls = (await model.stats()).completions;
    const modelCallsPerReq = calls / Math.max(1, m.ok + m.non2xx);
    results.cpuModel.push({ ...m, modelCallsPerReq });
    log(
      `  run ${i + 1}/${cfg.runs} model, ${fmt(cfg.cpuRequests)} requests: ${describeLoad(m)}, ${fmt(modelCallsPerReq, 2)} model calls/req`,
    );
  }
}

/** (5) Memory per in-flight stream, on a fresh app process against a model that holds every request. */
async function streamsRow(serverEnv: Record<string, string>, model: ModelControl, fixture: BenchFixture) {
  // Longer than opening every stream can take, so none ends with a timeout while memory is read.
  const app = await startApp("app-streams", { ...serverEnv, LLM_TIMEOUT_MS: "600000" }, ["--expose-gc"]);
  try {
    await model.delay(0);
    await sanityChat(app, fixture.llm);
    await runLoad({
      url: app.url,
      connections: cfg.connections,
      seconds: 0,
      amount: Math.max(200, cfg.connections),
      requests: chatRequests(chatPath(fixture.llm), fixture.llm.apiKey),
    });
    for (let i = 0; i < cfg.runs; i++) {
      await model.hang();
      const r = await openStreams({
        target: target(app, fixture.llm),
        appPid: app.proc.pid,
        model,
        count: cfg.streams,
      });
      await model.delay(0);
      results.streams.push(r);
      const failed = Object.keys(r.failed).length ? `; failed ${JSON.stringify(r.failed)}` : "";
      log(
        `  run ${i + 1}/${cfg.runs} ${fmt(r.open)} of ${fmt(r.requested)} streams open in ${fmt(r.openSeconds, 1)} s (${fmt(r.atModel)} at the model): ` +
          `${kB(r.livePerStream)} alive after GC and ${kB(r.rssPerStream)} of RSS per stream (RSS ${MB(r.rssBefore)} → ${MB(r.rssOpen)})${failed}`,
      );
    }
  } finally {
    await model.delay(0);
    await stopProcess(app.proc);
  }
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

/**
 * (6) Scale-out: app processes, each in its own cgroup with the same CPU quota, behind the round-robin
 * proxy; the counts interleaved run by run. Then the limits, over all of them at once.
 */
async function scaleOut(serverEnv: Record<string, string>, db: BenchDatabase, fixture: BenchFixture): Promise<void> {
  const why = cpuGroupsUnavailable();
  if (why) throw new BenchError(`Scale-out needs CPU-capped process groups: ${why}.`);
  removeStale();
  const counts = [...new Set(cfg.processes)].sort((a, b) => a - b);
  const most = counts.at(-1)!;
  const apps: App[] = [];
  for (let i = 0; i < most; i++) {
    const app = await startApp(`app-capped-${i + 1}`, serverEnv);
    await sanityChat(app, fixture.chat);
    apps.push(app);
  }
  const proxies = new Map<number, Awaited<ReturnType<typeof startProxy>>>();
  for (const n of counts)
    proxies.set(
      n,
      await startProxy(
        `proxy-${n}`,
        apps.slice(0, n).map((a) => a.port),
      ),
    );
  const load = (url: string, seconds = cfg.seconds) =>
    runLoad({
      url,
      connections: cfg.connections,
      seconds,
      requests: chatRequests(chatPath(fixture.chat), fixture.chat.apiKey),
    });
  const idle = () => Promise.all(apps.map((a) => waitIdle(a.proc.pid, { threshold: 0.05 })));

  try {
    // Warmed up before the cap (compiling under a small quota would take most of a run).
    log(`  warming up (${cfg.warmupSeconds} s over all ${most}, not yet capped)…`);
    await load(proxies.get(most)!.url, cfg.warmupSeconds);
    const groups = apps.map((app) => {
      const group = createCpuGroup(cfg.quotaCores);
      for (const pid of processTree(app.proc.pid)) group.add(pid);
      return group;
    });
    log(
      `  each of the ${most} app processes now in its own cgroup with ${fmt(cfg.quotaCores, 2)} core of CPU (cpu.cfs_quota_us ${fmt(cfg.quotaCores * 100_000)} per 100,000 µs)`,
    );
    for (let i = 0; i < cfg.runs; i++) {
      for (const n of counts) {
        await idle();
        const before = groups.slice(0, n).map((g) => g.stat());
        const r = await load(proxies.get(n)!.url);
        const after = groups.slice(0, n).map((g) => g.stat());
        const periods = after.reduce((s, a, k) => s + a.periods - before[k]!.periods, 0);
        const throttled = after.reduce((s, a, k) => s + a.throttled - before[k]!.throttled, 0);
        const capped: Capped = { ...r, throttledShare: periods ? throttled / periods : NaN };
        (results.capped[n] ??= []).push(capped);
        log(
          `  run ${i + 1}/${cfg.runs} ${n} capped process${n > 1 ? "es" : ""}: ${describeLoad(r)}; throttled in ${fmt(100 * capped.throttledShare)}% of CPU periods`,
        );
      }
    }
    await idle();

    // Limits across every process, with the database clock frozen so the rate limit cannot refill mid-burst.
    await db.sql`insert into app_clock (id, now) values (1, now()) on conflict (id) do update set now = excluded.now`;
    try {
      const urls = apps.map((a) => a.url);
      const rate = await fire(urls, fixture.rate, 3 * RATE_LIMIT_N);
      const quota = await fire(urls, fixture.quota, 3 * QUOTA_M);
      results.limits = { processes: most, rate, quota };
      log(
        `  rate limit ${RATE_LIMIT_N}/min, ${3 * RATE_LIMIT_N} simultaneous requests over ${most} processes: ${JSON.stringify(rate)}`,
      );
      log(
        `  quota ${QUOTA_M}/month, ${3 * QUOTA_M} simultaneous requests over ${most} processes: ${JSON.stringify(quota)}`,
      );
    } finally {
      await db.sql`delete from app_clock where id = 1`;
    }
  } finally {
    await Promise.all([...proxies.values(), ...apps].map((p) => stopProcess(p.proc)));
    const left = removeCpuGroups();
    if (left.length) throw new BenchError(`Could not remove cgroups: ${left.join(", ")}`);
  }
}

// ── Report ──────────────────────────────────────────────────────────────────

type GoalRow = { measure: string; goal: string; result: string; met: boolean | null };

const mark = (met: boolean | null) => (met === null ? "not measured" : met ? "met" : "NOT met");

/** Ratios of runs made side by side (run i of one with run i of the other): their median and range. */
function ratioSummary(top: number[], bottom: number[]): Summary | null {
  const pairs = top.slice(0, bottom.length).map((t, i) => t / bottom[i]!);
  return pairs.length ? summarize(pairs) : null;
}

const sumBad = (runs: ArrivalResult[]) => runs.reduce((sum, r) => sum + badOf(r), 0);
const over = (runs: ArrivalResult[], key: "overheadP50" | "overheadP99" | "overheadMax") =>
  summarize(runs.map((r) => r[key]));

function notMeasured(measure: string, goal: string): GoalRow {
  return { measure, goal, result: "n/a", met: null };
}

function goalRows(): GoalRow[] {
  const rows: GoalRow[] = [];
  const chatVsNoop = ratioSummary(
    results.chat.map((r) => r.rps),
    results.noop.map((r) => r.rps),
  );
  rows.push({
    measure: "(2) ÷ (1) throughput",
    goal: `≥ ${GOALS.chatVsNoop}`,
    result: chatVsNoop
      ? `${fmtSummary(chatVsNoop, 2)} (${fmt(median(results.chat.map((r) => r.rps)))} ÷ ${fmt(median(results.noop.map((r) => r.rps)))} req/s)`
      : "n/a",
    met: chatVsNoop ? chatVsNoop.median >= GOALS.chatVsNoop : null,
  });

  for (const rate of cfg.rates) {
    const runs = results.openLoop[rate] ?? [];
    const latencyGoal = rate <= GOALS.goalRate;
    const goal = latencyGoal
      ? `overhead p50 < ${GOALS.overheadP50Ms} ms, p99 < ${GOALS.overheadP99Ms} ms, 0 errors`
      : "0 errors (overhead reported)";
    const measure = `(3) open loop ${fmt(rate)}/s, 1 s model`;
    if (!runs.length) {
      rows.push(notMeasured(measure, goal));
      continue;
    }
    const p50 = over(runs, "overheadP50");
    const p99 = over(runs, "overheadP99");
    const bad = sumBad(runs);
    rows.push({
      measure,
      goal,
      result: `overhead p50 ${fmtSummary(p50, 0, "ms")}, p99 ${fmtSummary(p99, 0, "ms")}, ${bad} errors`,
      met:
        bad === 0 &&
        runs.every((r) => r.ok > 0) &&
        (!latencyGoal || (p50.median < GOALS.overheadP50Ms && p99.median < GOALS.overheadP99Ms)),
    });
  }

  const surgeMeasure = `(4) surge: ${fmt(cfg.surgeUsers)} conversations at once, 1 s model`;
  if (results.surge.length) {
    const bad = sumBad(results.surge);
    rows.push({
      measure: surgeMeasure,
      goal: "0 errors (the wave's queue, reported)",
      result: `overhead p50 ${fmtSummary(over(results.surge, "overheadP50"), 0, "ms")}, p99 ${fmtSummary(over(results.surge, "overheadP99"), 0, "ms")}, ${bad} errors`,
      met: bad === 0 && results.surge.every((r) => r.ok > 0),
    });
  } else rows.push(notMeasured(surgeMeasure, "0 errors (the wave's queue, reported)"));

  const modelCpu = results.cpuModel.length ? summarize(results.cpuModel.map((r) => r.serverMsPerReq)) : null;
  const builtinCpu = results.cpuBuiltin.length ? summarize(results.cpuBuiltin.map((r) => r.serverMsPerReq)) : null;
  rows.push({
    measure: "(5) app CPU per model-path request",
    goal: `≤ ${GOALS.modelCpuMs} ms`,
    result: modelCpu
      ? `${fmtSummary(modelCpu, 2, "ms")} (${fmt(median(results.cpuModel.map((r) => r.modelCallsPerReq)), 2)} model calls/req)`
      : "n/a",
    met: modelCpu ? modelCpu.median <= GOALS.modelCpuMs : null,
  });
  rows.push({
    measure: "(5) app CPU per built-in request",
    goal: "reported (the model path's reference)",
    result: builtinCpu ? fmtSummary(builtinCpu, 2, "ms") : "n/a",
    met: builtinCpu ? true : null,
  });
  const streams = results.streams;
  rows.push({
    measure: `(5) memory per in-flight stream (${fmt(cfg.streams)} open)`,
    goal: `reported; all ${fmt(cfg.streams)} open`,
    result: streams.length
      ? `${fmtSummary(summarize(streams.map((r) => r.livePerStream / 1000)), 1, "kB")} alive after GC, ` +
        `${fmtSummary(summarize(streams.map((r) => r.rssPerStream / 1000)), 1, "kB")} RSS; ${fmt(median(streams.map((r) => r.open)))} open`
      : "n/a",
    met: streams.length ? streams.every((r) => r.open === r.requested) : null,
  });

  const limits = results.limits;
  const limitsExact = limits
    ? limits.rate["200"] === RATE_LIMIT_N &&
      limits.rate["429:rate_limited"] === 2 * RATE_LIMIT_N &&
      limits.quota["200"] === QUOTA_M &&
      limits.quota["429:quota_exceeded"] === 2 * QUOTA_M
    : null;
  const limitsText =
    limitsExact === null
      ? "limits not checked"
      : limitsExact
        ? `limits exact over ${limits!.processes} (${limits!.rate["200"]}/${RATE_LIMIT_N} rate, ${limits!.quota["200"]}/${QUOTA_M} quota)`
        : `limits NOT exact (${JSON.stringify(limits)})`;
  const one = results.capped[1] ?? [];
  for (const n of [...new Set(cfg.processes)].filter((n) => n > 1).sort((a, b) => a - b)) {
    const goal = GOALS.scaleOut[n];
    const measure = `(6) ${n} ÷ 1 capped processes (${fmt(cfg.quotaCores, 2)} core each)`;
    const goalText = `${goal ? `≥ ${goal}` : "reported"}, limits exact`;
    const ratio = ratioSummary(
      (results.capped[n] ?? []).map((r) => r.rps),
      one.map((r) => r.rps),
    );
    rows.push(
      ratio
        ? {
            measure,
            goal: goalText,
            result: `${fmtSummary(ratio, 2)} (${fmt(median((results.capped[n] ?? []).map((r) => r.rps)))} ÷ ${fmt(median(one.map((r) => r.rps)))} req/s); ${limitsText}`,
            met: limitsExact === null ? null : (goal === undefined || ratio.median >= goal) && limitsExact,
          }
        : notMeasured(measure, goalText),
    );
  }

  const first = results.retrieval.find((p) => p.chunks === 1_000);
  const last = results.retrieval.find((p) => p.chunks === 100_000);
  rows.push({
    measure: "(7) retrieval 100k ÷ 1k chunks",
    goal: `≤ ${GOALS.retrievalRatio}`,
    result:
      first && last
        ? `${fmt(last.medianMs / first.medianMs, 1)} (${fmt(last.medianMs, 2)} ms ÷ ${fmt(first.medianMs, 2)} ms)`
        : "n/a",
    met: first && last ? last.medianMs / first.medianMs <= GOALS.retrievalRatio : null,
  });

  const heaviest = [...results.dashboard].sort((a, b) => b.gzipBytes - a.gzipBytes)[0];
  rows.push({
    measure: "(8) first-load JS per route",
    goal: `≤ ${fmt(GOALS.firstLoadBytes / 1000)} kB gzip`,
    result: heaviest
      ? `largest ${kB(heaviest.gzipBytes)} (${heaviest.route}); ${results.dashboard.filter((r) => r.gzipBytes > GOALS.firstLoadBytes).length} of ${results.dashboard.length} routes over`
      : "n/a",
    met: heaviest ? heaviest.gzipBytes <= GOALS.firstLoadBytes : null,
  });
  rows.push({
    measure: "(9) website widget script",
    goal: `≤ ${fmt(GOALS.widgetBytes / 1000)} kB gzip`,
    result: results.widget ? `${kB(results.widget.gzipBytes)} gzip (${kB(results.widget.rawBytes)} raw)` : "n/a",
    met: results.widget ? results.widget.gzipBytes <= GOALS.widgetBytes : null,
  });
  const importMeasure = `(10) Chat API ${GOALS.importRate}/s during a hostile PDF import`;
  const importGoal = `p99 ≤ ${GOALS.importP99Factor} × quiet p99, 0 errors`;
  if (results.importDuring.length && results.importQuiet.length) {
    const quiet = summarize(results.importQuiet.map((r) => r.p99));
    const during = summarize(results.importDuring.map((r) => r.p99));
    const bad = sumBad([...results.importQuiet, ...results.importDuring]);
    rows.push({
      measure: importMeasure,
      goal: importGoal,
      result: `p99 ${fmtSummary(during, 0, "ms")} during, ${fmtSummary(quiet, 0, "ms")} quiet, ${bad} errors`,
      met: bad === 0 && during.median <= GOALS.importP99Factor * quiet.median,
    });
  } else rows.push(notMeasured(importMeasure, importGoal));
  return rows;
}

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

function loadRow(
  name: string,
  runs: (LoadResult | Measured)[],
  extra: (runs: Measured[]) => string[] = () => [],
): string[] {
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

function arrivalsRow(name: string, runs: Arrivals[]): string[] {
  const s = (pick: (r: Arrivals) => number, digits = 0, unit = "") =>
    runs.length ? fmtSummary(summarize(runs.map(pick)), digits, unit) : "n/a";
  return [
    name,
    s((r) => r.sent),
    s((r) => r.arrivalRate, 1),
    s((r) => r.p50, 0, "ms"),
    s((r) => r.p99, 0, "ms"),
    s((r) => r.overheadP50, 0, "ms"),
    s((r) => r.overheadP99, 0, "ms"),
    s((r) => r.overheadMax, 0, "ms"),
    runs.length ? String(sumBad(runs)) : "n/a",
    s((r) => r.sendLagP99, 0, "ms"),
    s((r) => r.serverMsPerReq, 2, "ms"),
  ];
}

/** Requests per second one PostgreSQL core serves at the measured cost, before it is the limit. */
function pgCeiling(): { msPerReq: number; xactsPerReq: number; perCore: number } | null {
  const runs = results.cpuBuiltin.length ? results.cpuBuiltin : results.chat; // the built-in path: no model in the way
  const ms = median(runs.map((r) => r.pgMsPerReq ?? NaN));
  const xacts = median(runs.map((r) => r.xactsPerReq ?? NaN));
  return Number.isFinite(ms) && ms > 0 ? { msPerReq: ms, xactsPerReq: xacts, perCore: 1000 / ms } : null;
}

const CPU_COLUMNS = [
  "",
  "req/s",
  "p50",
  "p99",
  "non-2xx + errors",
  "server CPU / req",
  "Postgres CPU / req",
  "DB transactions / req",
];

function report(): string {
  const m = results.machine;
  const out: string[] = [];
  out.push("# Benchmark results", "");
  out.push(
    `Written by \`npm run bench\` (bench/run.ts) on ${m?.date ?? new Date().toISOString()}. Goals are from issues 8 and 16; ratios are measured side by side in one run.`,
    "",
  );
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
    `Settings: ${cfg.runs} run(s) × ${cfg.seconds} s per load measure (after a warm-up), ${cfg.connections} connections for (1), (2), (5) and (6); ` +
      `medians, with the range of the runs in parentheses; a ratio is the median of the ratios of runs made one after the other.` +
      (cfg.only.length ? ` **Only: ${cfg.only.join(", ")}.**` : "") +
      (cfg.quick ? " **Quick mode: fewer, shorter runs.**" : ""),
    "",
  );

  out.push("## Goals", "");
  out.push(
    table(
      ["measure", "goal", "result", ""],
      goalRows().map((r) => [r.measure, r.goal, r.result, mark(r.met)]),
    ),
    "",
  );

  out.push("## Details", "");
  out.push("### (1) Framework ceiling, (2) Chat API (built-in engine)", "");
  const cpuCols = (runs: Measured[]) =>
    runs.length
      ? [
          fmtSummary(summarize(runs.map((r) => r.serverMsPerReq)), 2, "ms"),
          fmtSummary(summarize(runs.map((r) => r.pgMsPerReq ?? NaN)), 2, "ms"),
          fmtSummary(summarize(runs.map((r) => r.xactsPerReq ?? NaN)), 1),
        ]
      : ["n/a", "n/a", "n/a"];
  out.push(
    table(CPU_COLUMNS, [
      loadRow("(1) POST /api/bench/noop", results.noop, (runs) => [
        runs.length ? fmtSummary(summarize(runs.map((r) => r.serverMsPerReq)), 2, "ms") : "n/a",
        "–",
        "–",
      ]),
      loadRow("(2) POST /chat/custom/:id", results.chat, cpuCols),
    ]),
    "",
  );
  out.push(
    `Chat workload: each connection is one end user holding a ${TURNS}-turn conversation (the first message starts it, the next ones resume it by conversation_id), then starting another; six scripted conversations about plans, shipping, returns and support, with follow-ups that borrow context. ` +
      `Server peak memory (VmHWM) after (1) and (2): ${results.chatPeakRss ? MB(results.chatPeakRss) : "n/a"}. ` +
      "Postgres CPU counts the app pool's backends on the bench database only.",
    "",
  );

  out.push(`### (3) Open loop and (4) surge: Chat API with a model answering after ${fmt(cfg.modelDelayMs)} ms`, "");
  out.push(
    table(
      [
        "",
        "sent",
        "arrivals/s",
        "response p50",
        "response p99",
        "overhead p50",
        "overhead p99",
        "overhead max",
        "non-2xx + errors",
        "send lag p99",
        "server CPU / req",
      ],
      [
        ...cfg.rates.map((rate) => arrivalsRow(`(3) ${fmt(rate)} messages/s, open loop`, results.openLoop[rate] ?? [])),
        arrivalsRow(`(4) surge: ${fmt(cfg.surgeUsers)} conversations at once`, results.surge),
      ],
    ),
    "",
  );
  const calls = [...Object.values(results.openLoop).flat(), ...results.surge];
  const callsOff = calls.filter((r) => r.modelCalls !== r.expectedModelCalls).length;
  out.push(
    `(3): messages arrive for ${cfg.seconds} s at the rate, with random (Poisson, seeded) spacing, whatever the replies do; each is the next turn of a conversation of ${cfg.modelTurns} whose last reply has come back, or starts a new one. ` +
      "Response time counts from when a message was due, so a lagging load generator cannot hide a slow server (its lag is the send-lag column). " +
      `(4): ${fmt(cfg.surgeUsers)} conversations of ${cfg.modelTurns} turns start at the same instant, each turn sent when the previous reply came back: the wave's queue, not what a user sees under spread-out traffic. ` +
      `Overhead = response time − model time, where model time is ${fmt(cfg.modelDelayMs)} ms per model call: one for a first message, two for a follow-up (the model first rewrites it as a standalone question). ` +
      `The fixture's count of calls ${callsOff ? `differed from that in ${callsOff} of ${calls.length} runs (requests that failed or timed out)` : "matched it in every run"}. ` +
      `Server peak memory after (3) and (4): ${results.modelPeakRss ? MB(results.modelPeakRss) : "n/a"}.`,
    "",
  );

  out.push("### (5) App CPU per request, memory per in-flight stream", "");
  out.push(
    table(CPU_COLUMNS, [
      loadRow("built-in engine", results.cpuBuiltin, cpuCols),
      loadRow("model engine (model answering at once)", results.cpuModel, cpuCols),
    ]),
    "",
  );
  out.push(
    `Each run: ${fmt(cfg.cpuRequests)} requests of the chat workload of (2) over ${cfg.connections} connections; server CPU is the app process's user + system time (/proc/<pid>/stat, all threads) over the run ÷ requests. ` +
      `The model path makes ${results.cpuModel.length ? fmt(median(results.cpuModel.map((r) => r.modelCallsPerReq)), 2) : "n/a"} model calls per request (a follow-up that leans on the conversation is condensed first).`,
    "",
  );
  if (results.streams.length) {
    out.push(
      table(
        [
          "run",
          "streams open",
          "at the model",
          "alive after GC, per stream",
          "RSS before",
          "RSS with streams open",
          "RSS per stream",
          "failed",
        ],
        results.streams.map((r, i) => [
          String(i + 1),
          `${fmt(r.open)} of ${fmt(r.requested)}`,
          fmt(r.atModel),
          kB(r.livePerStream),
          MB(r.rssBefore),
          MB(r.rssOpen),
          kB(r.rssPerStream),
          Object.keys(r.failed).length ? JSON.stringify(r.failed) : "0",
        ]),
      ),
      "",
    );
    out.push(
      `Streams: ${fmt(cfg.streams)} model-path requests with \`"stream": true\`, each a new conversation, opened 100 at a time on a fresh app process and held open against a model that does not answer; ` +
        "memory once all are open and the model holds their requests, minus before, ÷ streams: alive after a full garbage collection (V8 heap + external, from app/api/bench/memory, the server started with --expose-gc), and resident (VmRSS, which also counts garbage not yet collected).",
      "",
    );
  }
  const pg = pgCeiling();
  if (pg)
    out.push(
      `Database cost per request (built-in engine): ${fmt(pg.msPerReq, 2)} ms of Postgres CPU and ${fmt(pg.xactsPerReq, 1)} transactions, so one PostgreSQL core serves about ${fmt(pg.perCore)} requests/s before it is the limit (see the README's Performance section).`,
      "",
    );

  out.push("### (6) Scale-out, each process capped", "");
  out.push(
    table(
      ["", "req/s", "p50", "p99", "non-2xx + errors", "CPU periods throttled"],
      [...new Set(cfg.processes)]
        .sort((a, b) => a - b)
        .map((n) => {
          const runs = results.capped[n] ?? [];
          return [
            ...loadRow(`${n} process${n > 1 ? "es" : ""} via the proxy`, runs),
            runs.length ? `${fmt(100 * median(runs.map((r) => r.throttledShare)))}%` : "n/a",
          ];
        }),
    ),
    "",
  );
  out.push(
    `Each app process runs in its own cgroup (v1 cpu controller) with ${fmt(cfg.quotaCores, 2)} core of CPU (cfs_quota_us ${fmt(cfg.quotaCores * 100_000)} per cfs_period_us 100,000), so that a process, not the machine, is the bottleneck; ` +
      "all go through bench/proxy.ts (round robin per connection) with the workload of (2). A share of throttled periods near 100% means the quota bound.",
    "",
  );
  if (results.limits) {
    out.push(
      `Limits across ${results.limits.processes} processes (database clock frozen during the burst, so nothing refills): ${3 * RATE_LIMIT_N} simultaneous requests against a rate limit of ${RATE_LIMIT_N}/min → \`${JSON.stringify(results.limits.rate)}\`; ` +
        `${3 * QUOTA_M} against a monthly quota of ${QUOTA_M} → \`${JSON.stringify(results.limits.quota)}\`.`,
      "",
    );
  }

  if (results.importDuring.length) {
    out.push(`### (10) Chat API at ${GOALS.importRate} messages/s during a hostile PDF import`, "");
    out.push(
      table(
        ["run", "quiet p50", "quiet p99", "during p50", "during p99", "errors", "import"],
        results.importDuring.map((d, i) => {
          const q = results.importQuiet[i];
          return [
            String(i + 1),
            q ? `${fmt(q.p50)} ms` : "n/a",
            q ? `${fmt(q.p99)} ms` : "n/a",
            `${fmt(d.p50)} ms`,
            `${fmt(d.p99)} ms`,
            String(badOf(d) + (q ? badOf(q) : 0)),
            `${d.importStatus} after ${fmt(d.importSeconds, 0)} s${d.importing ? ", outlasted the run" : ", ended within the run"}`,
          ];
        }),
      ),
      "",
      `Built-in engine, conversations of 3 turns arriving at ${GOALS.importRate}/s (Poisson) for ${cfg.seconds} s; the import is a 150-page PDF whose pages share one 1 MB compressed text stream (tests/fixtures/knowledge/make-pdf.ts), queued on the bot and read by the app's import thread (PARLEY_IMPORT_* limits as shipped).`,
      "",
    );
  }

  out.push("### (7) Retrieval (fullTextRetriever, k = 6)", "");
  out.push(
    table(
      ["chunks", "median", "p95", "queries", "passages returned (median)", "insert time"],
      results.retrieval.map((p) => [
        fmt(p.chunks),
        `${fmt(p.medianMs, 2)} ms`,
        `${fmt(p.p95Ms, 2)} ms`,
        String(p.queries),
        fmt(p.medianHits),
        `${fmt(p.insertSeconds, 1)} s`,
      ]),
    ),
    "",
  );
  out.push(
    "One bot per size, all in the same table (synthetic help-centre articles in ten categories: 50 chunks of 400–1,100 characters per source, each article focused on a few of its category's words); " +
      "16 realistic questions, some of them follow-ups with context, one at a time, the sizes visited in turn so that background load hits each alike.",
    "",
  );

  out.push("### (8) Dashboard first-load JS (gzip level 9)", "");
  out.push(
    table(
      ["route", "files", "raw", "gzip", ""],
      results.dashboard.map((r) => [
        r.route,
        String(r.files),
        kB(r.rawBytes),
        kB(r.gzipBytes),
        r.gzipBytes <= GOALS.firstLoadBytes ? "ok" : "over",
      ]),
    ),
    "",
  );
  if (results.dashboard[0])
    out.push(`Of which shared by every page (root main files): ${kB(results.dashboard[0].sharedGzipBytes)}.`, "");

  if (results.errors.length) {
    out.push("## Errors", "");
    for (const e of results.errors) out.push(`- ${e.phase}: ${e.message.split("\n")[0]}`);
    out.push("");
  }
  return out.join("\n");
}

// ── Main ────────────────────────────────────────────────────────────────────

const APP_ROWS: Row[] = ["ratio", "open-loop", "surge", "cpu", "streams", "scale-out", "import"];

async function build(): Promise<void> {
  if (cfg.skipBuild) {
    if (!fs.existsSync(path.join(root, ".next", "BUILD_ID")))
      throw new BenchError("--skip-build but there is no build in .next: run `PARLEY_BENCH=1 npm run build` first.");
    if (!fs.existsSync(path.join(root, ".next", "server", "app", "api", "bench", "noop")))
      throw new BenchError(
        "--skip-build but the build in .next has no noop route: build with `PARLEY_BENCH=1 npm run build`.",
      );
    log("\n▶ build skipped (--skip-build)");
    return;
  }
  log("\n▶ next build");
  const t0 = performance.now();
  const proc = startProcess(
    "build",
    process.execPath,
    [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
    {
      cwd: root,
      env: { ...env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", PARLEY_BENCH: "1" },
      logDir,
    },
  );
  await runToCompletion(proc, 8 * 60_000);
  results.buildSeconds = (performance.now() - t0) / 1000;
  log(`  built in ${fmt(results.buildSeconds)} s`);
}

async function main(): Promise<number> {
  const started = performance.now();
  const watchdog = setTimeout(
    () => abort(`The benchmark ran over BENCH_TIMEOUT_S (${cfg.timeoutSeconds} s)`, 1),
    cfg.timeoutSeconds * 1000,
  );
  watchdog.unref();
  if (!fs.existsSync(path.join(root, "server.ts")) || !fs.existsSync(path.join(root, "bench", "run.ts"))) {
    throw new BenchError("Run the benchmark from the repository's root: npm run bench");
  }
  log(
    `Parley benchmark${cfg.quick ? " (quick)" : ""}: ${cfg.only.length ? cfg.only.join(", ") : "every row"}, ${cfg.runs} run(s) × ${cfg.seconds} s; logs in ${logDir}`,
  );

  const needsApp = APP_ROWS.some(selected);
  const needsBuild = needsApp || selected("dashboard");
  const needsDb = needsApp || selected("retrieval");

  const adminUrl = env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
  let fixture: BenchFixture | undefined;
  if (needsDb) {
    database = await createBenchDatabase(adminUrl);
    log(`Database ${database.name} on ${redactUrl(adminUrl)} (PostgreSQL ${database.serverVersion})`);
  }
  results.machine = describeMachine(root, database?.serverVersion ?? "not used");
  log(`${results.machine.cpu}, ${results.machine.cores} cores, Node ${process.version}`);
  if (needsBuild) await build();
  const db = database;
  if (db) {
    log("\n▶ setup: migrate and seed");
    fixture = await setupFixture(db.url, db.sql, "http://127.0.0.1");
    log(
      `  workspace ${fixture.chat.workspaceId}, integrations ${fixture.chat.integrationId} (built-in), ${fixture.llm.integrationId} (model)`,
    );
  }

  if (needsApp && db && fixture) {
    const fx = fixture;
    const modelPort = await freePort();
    const controlPort = await freePort();
    const modelProc = startProcess(
      "model-fixture",
      process.execPath,
      ["--import", "tsx", "bench/model-fixture.ts", "--port", String(modelPort), "--control", String(controlPort)],
      { cwd: root, env: { ...env }, logDir },
    );
    await waitForPort(modelPort, modelProc);
    await waitForPort(controlPort, modelProc);
    const model = modelControl(`http://127.0.0.1:${controlPort}`);

    const serverEnv: Record<string, string> = {
      DATABASE_URL: db.url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      PARLEY_PLAN_LIMITS: benchPlanLimits(),
      LLM_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
      LLM_MODEL: "fixture",
      LLM_TIMEOUT_MS: "30000",
    };

    const running: { app?: App } = {};
    const appA = async () => {
      if (!running.app) {
        running.app = await startApp("app-a", serverEnv);
        await sanityChat(running.app, fx.chat);
        await sanityChat(running.app, fx.llm);
      }
      return running.app;
    };
    if (selected("ratio"))
      await phase("(1) framework ceiling and (2) Chat API, built-in engine", async () =>
        frameworkAndChat(await appA(), db, fx),
      );
    if (selected("open-loop"))
      await phase(`(3) open loop at ${cfg.rates.join(", ")} messages/s, ${fmt(cfg.modelDelayMs)} ms model`, async () =>
        openLoopRows(await appA(), model, fx),
      );
    if (selected("surge"))
      await phase(
        `(4) surge: ${fmt(cfg.surgeUsers)} conversations at once, ${fmt(cfg.modelDelayMs)} ms model`,
        async () => surgeRow(await appA(), model, fx),
      );
    if (selected("cpu"))
      await phase("(5) app CPU per request, built-in and model path", async () => cpuRows(await appA(), db, model, fx));
    if (selected("import"))
      await phase(`(10) Chat API at ${GOALS.importRate}/s, quiet and during a hostile PDF import`, async () =>
        importRow(await appA(), db, fx),
      );
    if (running.app) await stopProcess(running.app.proc);
    if (selected("streams"))
      await phase(`(5) memory per in-flight stream, ${fmt(cfg.streams)} open`, () => streamsRow(serverEnv, model, fx));
    if (selected("scale-out"))
      await phase(`(6) scale-out: ${cfg.processes.join(", ")} capped processes, limits across them`, () =>
        scaleOut(serverEnv, db, fx),
      );
    await stopAll(); // the model fixture and anything a failed phase left running
  }

  if (selected("retrieval") && db && fixture) {
    const fx = fixture;
    await phase("(7) retrieval at 1k, 10k and 100k chunks", async () => {
      results.retrieval = await measureRetrieval(db.url, db.sql, {
        workspaceId: fx.chat.workspaceId,
        sizes: cfg.retrievalSizes,
        queriesPerSize: cfg.retrievalQueries,
        seconds: cfg.retrievalSeconds,
        log,
      });
    });
  }
  if (selected("dashboard"))
    await phase("(8) dashboard first-load JS", async () => {
      results.dashboard = dashboardFirstLoadJs(root);
      for (const r of results.dashboard)
        log(`  ${r.route.padEnd(36)} ${kB(r.gzipBytes).padStart(10)} gzip (${r.files} files)`);
    });
  if (selected("widget"))
    await phase("(9) website widget script", async () => {
      results.widget = widgetBundleSize(root);
      log(`  public/widget.js ${kB(results.widget.gzipBytes)} gzip (${kB(results.widget.rawBytes)} raw)`);
    });

  await cleanup();
  clearTimeout(watchdog);
  results.loadAtEnd = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

  const rows = goalRows();
  log(
    "\n" +
      table(
        ["measure", "goal", "result", ""],
        rows.map((r) => [r.measure, r.goal, r.result, mark(r.met)]),
      ),
  );
  // A partial run (--only) must not replace the full results of the last whole run.
  const file = path.join(root, "bench", cfg.only.length ? ".out" : "", "RESULTS.md");
  fs.mkdirSync(path.dirname(file), { recursive: true });
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

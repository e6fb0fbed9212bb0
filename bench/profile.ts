/**
 * CPU profile of the Chat API hot path: `npx tsx bench/profile.ts` (after `npm run build`).
 *
 * Creates its own database (as bench/run.ts does), starts one production server under
 * `node --cpu-prof`, sends the benchmark's chat workload (conversations of several turns) for
 * PROFILE_SECONDS (default 20) after a warm-up, stops the server so that V8 writes the profile, and
 * prints where the server's CPU went: by package or source file (self time), the heaviest functions
 * (self), and the app's own functions (inclusive of what they call synchronously). Positions in
 * Next's bundles are mapped back to sources through the build's source maps. The .cpuprofile is kept
 * (its path is printed) for Chrome DevTools or speedscope.
 *
 * Env: BENCH_DATABASE_URL as for the benchmark; PROFILE_SECONDS; PROFILE_CONNECTIONS (default 32);
 * PROFILE_ENGINE=llm profiles the model engine's path instead, against the local OpenAI-compatible
 * fixture answering at once (so that only Parley's own work is left).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chatRequests, runLoad } from "./lib/load";
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from "./lib/pg";
import {
  freePort,
  killAllSync,
  startProcess,
  stopAll,
  stopProcess,
  treeCpuMs,
  waitForHttp,
  waitForPort,
} from "./lib/procs";
import { benchPlanLimits, setupFixture } from "./lib/setup";
import { fmt } from "./lib/stats";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

// ── Source maps ─────────────────────────────────────────────────────────────

const maps = new Map<string, SourceMap | null>();
function sourceMapFor(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = url.startsWith("file://") ? fileURLToPath(url) : url;
    if (file.endsWith(".js") && fs.existsSync(`${file}.map`))
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8")));
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

type Where = { owner: string; label: string };

/** "postgres", "drizzle-orm", "next", "lib/chat/handle-chat-request.ts", "node:internal", "(garbage collector)"… */
function ownerOf(file: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (nm) return nm[1]!;
  if (file.startsWith("node:")) return file.startsWith("node:internal") ? "node (internals)" : file;
  const project = /(?:^|\/|\]\/)((?:app|lib|db|components|bench)\/.+|server\.ts)$/.exec(
    file.replace(/^\[project\]\//, ""),
  );
  if (project) return project[1]!;
  return file || "(native)";
}

const whereCache = new Map<string, Where>();
function where(frame: CallFrame): Where {
  const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
  let w = whereCache.get(key);
  if (w) return w;
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) {
    w = { owner: name.startsWith("(") ? name : "(native)", label: name };
  } else {
    let file = frame.url;
    let line = frame.lineNumber + 1;
    let original = name;
    const map = frame.lineNumber >= 0 ? sourceMapFor(frame.url) : null;
    if (map) {
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
        name?: string;
      };
      if (entry?.originalSource) {
        file = entry.originalSource;
        line = (entry.originalLine ?? 0) + 1;
        if (entry.name && name === "(anonymous)") original = entry.name;
      }
    }
    file = file.replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "");
    const owner = ownerOf(file);
    w = { owner, label: `${original} (${owner === file ? file : file.replace(/^.*node_modules\//, "")}:${line})` };
  }
  whereCache.set(key, w);
  return w;
}

// ── Summary ─────────────────────────────────────────────────────────────────

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${fmt(v / 1000, 0).padStart(7)} ms ${fmt((100 * v) / total, 1).padStart(5)}%  ${k}`);
}

/** Summarizes the samples taken between `window` (µs on the monotonic clock that process.hrtime and V8 share). */
export function summarizeProfile(profile: CpuProfile, requests: number, window?: { from: number; to: number }): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfByOwner = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveApp = new Map<string, number>();
  const inclusiveOwner = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  let first = Infinity;
  let last = -Infinity;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window.from || at > window.to)) return;
    first = Math.min(first, at);
    last = Math.max(last, at);
    const node = byId.get(id)!;
    const w = where(node.callFrame);
    if (w.label === "(idle)") {
      idle += dt;
      return;
    }
    total += dt;
    selfByOwner.set(w.owner, (selfByOwner.get(w.owner) ?? 0) + dt);
    selfByFunction.set(w.label, (selfByFunction.get(w.label) ?? 0) + dt);
    const seenLabels = new Set<string>();
    const seenOwners = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cw = where(byId.get(cur)!.callFrame);
      if (/^(app|lib|db)\//.test(cw.owner)) seenLabels.add(cw.label);
      seenOwners.add(cw.owner);
    }
    for (const l of seenLabels) inclusiveApp.set(l, (inclusiveApp.get(l) ?? 0) + dt);
    for (const o of seenOwners) inclusiveOwner.set(o, (inclusiveOwner.get(o) ?? 0) + dt);
  });

  const wall = last - first;
  const lines = [
    `Profile: ${fmt(wall / 1e6, 1)} s of wall time, ${fmt(total / 1000)} ms busy on the main thread (${fmt((100 * total) / wall, 0)}%), ${fmt(idle / 1000)} ms idle.`,
    `Requests answered while profiling: ${fmt(requests)} → ${fmt(total / 1000 / Math.max(1, requests), 2)} ms of main-thread CPU per request.`,
    "",
    "Self time by package or source file:",
    ...top(selfByOwner, total, 25),
    "",
    "Inclusive time by package (anything on the stack):",
    ...top(inclusiveOwner, total, 25),
    "",
    "Heaviest functions (self time):",
    ...top(selfByFunction, total, 40),
    "",
    "App functions (inclusive of synchronous callees):",
    ...top(inclusiveApp, total, 30),
  ];
  return lines.join("\n");
}

// ── Run ─────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID")))
    throw new Error("No build in .next: run `npm run build` first.");
  const seconds = Number(process.env.PROFILE_SECONDS || 20);
  const connections = Number(process.env.PROFILE_CONNECTIONS || 32);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-profile-"));
  let db: BenchDatabase | undefined;
  try {
    db = await createBenchDatabase(process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL);
    const fixture = await setupFixture(db.url, db.sql, "http://127.0.0.1");
    const llm = process.env.PROFILE_ENGINE === "llm";
    const llmEnv: Record<string, string> = {};
    if (llm) {
      const modelPort = await freePort();
      const model = startProcess(
        "model-fixture",
        process.execPath,
        ["--import", "tsx", "tests/fixtures/openai-server.ts", "--port", String(modelPort), "--mode", "ok"],
        {
          cwd: root,
          env: { ...process.env },
          logDir,
        },
      );
      await waitForPort(modelPort, model);
      Object.assign(llmEnv, {
        LLM_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
        LLM_MODEL: "fixture",
        LLM_TIMEOUT_MS: "30000",
      });
    }
    const integration = llm ? fixture.llm : fixture.chat;
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env))
      if (/^(PARLEY_|LLM_|REDIS_URL$|TRUSTED_PROXIES$|DATABASE_URL$)/.test(key)) delete env[key];
    const server = startProcess(
      "app-profiled",
      process.execPath,
      ["--cpu-prof", "--cpu-prof-dir", logDir, "--import", "tsx", "server.ts"],
      {
        cwd: root,
        env: {
          ...env,
          NODE_ENV: "production",
          HOST: "127.0.0.1",
          PORT: String(port),
          DATABASE_URL: db.url,
          AUTH_SECRET: randomBytes(32).toString("base64url"),
          PARLEY_PLAN_LIMITS: benchPlanLimits(),
          PARLEY_LOG: "silent",
          PARLEY_SEED: "0",
          NEXT_TELEMETRY_DISABLED: "1",
          ...llmEnv,
        },
        logDir,
      },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/bench/noop`, server, { method: "POST", timeoutMs: 120_000 });
    const load = (s: number) =>
      runLoad({
        url,
        connections,
        seconds: s,
        requests: chatRequests(`/chat/custom/${integration.integrationId}`, integration.apiKey),
      });
    console.log(
      `Warming up, then ${seconds} s of chat load (${llm ? "model" : "built-in"} engine) with ${connections} connections…`,
    );
    await load(5);
    const cpu0 = treeCpuMs(server.pid);
    const from = Number(process.hrtime.bigint() / 1000n);
    const r = await load(seconds);
    const to = Number(process.hrtime.bigint() / 1000n);
    const cpu1 = treeCpuMs(server.pid);
    console.log(
      `${fmt(r.rps)} req/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms; server process CPU (all threads) ${fmt((cpu1 - cpu0) / Math.max(1, r.ok + r.non2xx), 2)} ms/req`,
    );
    await stopProcess(server, 30_000);
    const file = fs.readdirSync(logDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no .cpuprofile was written in ${logDir}`);
    const profile = JSON.parse(fs.readFileSync(path.join(logDir, file), "utf8")) as CpuProfile;
    console.log(
      `\n${summarizeProfile(profile, r.ok + r.non2xx, { from, to })}\n\nProfile file: ${path.join(logDir, file)} (the whole process; the summary covers the measured window)`,
    );
  } finally {
    await stopAll();
    await db?.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.on("SIGINT", () => {
    killAllSync();
    process.exit(130);
  });
  process.on("exit", () => killAllSync());
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

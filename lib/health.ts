import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { getDbHandle } from "@/db";
import { MIGRATIONS_FOLDER } from "@/db/migrate";
import { latestAppliedMigration } from "@/db/queries/ops";
import { backgroundBeats } from "@/lib/polling-worker";

/**
 * Liveness (GET /healthz: the process answers) and readiness (GET /readyz: send it traffic). Ready
 * means: not shutting down, the database answers within READY_DB_TIMEOUT_MS, every migration this
 * build ships is applied, and the background loops this process runs (if any) are going round.
 */

const KEY = Symbol.for("parley.draining");
const g = globalThis as typeof globalThis & { [KEY]?: boolean };

/** Set by server.ts on SIGTERM: /readyz answers 503 from then on, so load balancers stop sending. */
export function setDraining(draining: boolean): void {
  g[KEY] = draining;
}

export function isDraining(): boolean {
  return g[KEY] === true;
}

const READY_DB_TIMEOUT_MS = 1_000;

type Check = "ok" | "draining" | "unreachable" | "pending" | "stalled" | "off";
export type Readiness = {
  status: "ok" | "unavailable";
  checks: { server: Check; database: Check; migrations: Check; background: Check };
};

let shipped: number | undefined;
/** The `when` of the newest migration in this build's journal. */
function newestShippedMigration(): number {
  if (shipped === undefined) {
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: Array<{ when: number }>;
    };
    shipped = Math.max(0, ...journal.entries.map((e) => e.when));
  }
  return shipped;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The readiness checks, each of them. */
export async function readiness(): Promise<Readiness> {
  const checks: Readiness["checks"] = {
    server: isDraining() ? "draining" : "ok",
    database: "ok",
    migrations: "ok",
    background: "off",
  };
  try {
    const { db } = await withTimeout(Promise.resolve(getDbHandle()), READY_DB_TIMEOUT_MS);
    const latest = await withTimeout(latestAppliedMigration(db), READY_DB_TIMEOUT_MS);
    if (latest < newestShippedMigration()) checks.migrations = "pending";
  } catch {
    checks.database = "unreachable";
    checks.migrations = "pending";
  }
  const beats = backgroundBeats();
  if (beats.length) {
    const now = Date.now();
    checks.background = beats.every((b) => now - b.at <= b.maxSilenceMs) ? "ok" : "stalled";
  }
  const ok = Object.values(checks).every((c) => c === "ok" || c === "off");
  return { status: ok ? "ok" : "unavailable", checks };
}

/** GET /readyz */
export async function readyResponse(): Promise<Response> {
  const result = await readiness();
  return Response.json(result, {
    status: result.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store", ...(result.status === "ok" ? {} : { "retry-after": "5" }) },
  });
}

/** GET /healthz: the process is alive and its event loop turns (nothing else is asked). */
export function healthResponse(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}

/**
 * /healthz and /readyz on a plain HTTP port, for a process without Next (`npm run worker` with
 * PARLEY_WORKER_HEALTH_PORT): the same answers as the web routes, so an orchestrator probes a worker the
 * same way. Its readiness is its own loops going round (worker lag), the database and the migrations.
 */
export function startHealthServer(port: number, host = "0.0.0.0"): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://health");
    const handler =
      req.method === "GET" || req.method === "HEAD"
        ? url.pathname === "/healthz"
          ? healthResponse
          : url.pathname === "/readyz"
            ? readyResponse
            : null
        : null;
    // A probe that fails answers 503 rather than leaving a rejection that would end the worker.
    const answer = handler
      ? await Promise.resolve()
          .then(handler)
          .catch(() => Response.json({ status: "unavailable" }, { status: 503 }))
      : Response.json({ error: { code: "not_found", message: "Only /healthz and /readyz." } }, { status: 404 });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(req.method === "HEAD" ? undefined : Buffer.from(await answer.arrayBuffer()));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

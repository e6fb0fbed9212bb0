/**
 * Parley's server: `npm run dev` (with --dev) and `npm start`. It wraps Next.js in a plain Node HTTP
 * server for what Next cannot do itself:
 * - the client's real address: every request's private x-parley-peer-ip header is overwritten with
 *   the socket's peer address, so a client can never forge it (Next itself keeps a client-sent
 *   X-Forwarded-For);
 * - methods Next does not route (TRACE…) get the API's JSON 405 with an x-request-id;
 * - every request is counted for /metrics (route, method, status, time);
 * - SIGTERM drains: /readyz turns 503, no new connections are accepted, requests and streams in
 *   progress finish (up to PARLEY_SHUTDOWN_MS), then the background work and the database close.
 * Before listening it checks the configuration, applies migrations and, on a fresh embedded
 * database, seeds the demo.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import fs from "node:fs";
import path from "node:path";
import nextEnv from "@next/env";

const dev = process.argv.includes("--dev");
process.env.NEXT_TELEMETRY_DISABLED ??= "1"; // a self-hosted product phones nowhere unless its operator opts in
nextEnv.loadEnvConfig(process.cwd(), dev);
applyStandaloneConfig();
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";

const { default: next } = await import("next");
const { getDbHandle, closeDb } = await import("@/db");
const { migrateDb } = await import("@/db/migrate");
const { seedDemo, describeSeed } = await import("@/db/seed");
const { ensureAuthSecret, ConfigError } = await import("@/lib/secrets");
const { parseTrustedProxies } = await import("@/lib/client-ip");
const { stampPeerAddress } = await import("@/lib/http/stamp-peer");
const { publicBaseUrl } = await import("@/lib/config");
const { startBackgroundWork, backgroundWorkEnabled } = await import("@/lib/background");
const { safeForConsole } = await import("@/lib/log");
const { metrics, routeLabel } = await import("@/lib/metrics");
const { setDraining } = await import("@/lib/health");
const { rejectUnroutedMethod } = await import("@/lib/http/unrouted-method");

// Next prints errors thrown in pages and server actions with console.error: a failed statement's
// parameters (customers' messages) and anything shaped like a key are kept out of those lines too.
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => consoleError(...args.map(safeForConsole));

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || (dev ? "localhost" : "0.0.0.0");
const embedded = !process.env.DATABASE_URL;

try {
  ensureAuthSecret({ production: !dev, embedded });
  parseTrustedProxies(process.env.TRUSTED_PROXIES);
} catch (error) {
  if (error instanceof ConfigError || error instanceof Error) {
    console.error(`\n  Parley cannot start: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const handle = await getDbHandle();
try {
  await migrateDb(handle);
} catch (error) {
  const hint =
    handle.kind === "pglite"
      ? `Is another Parley process using ${handle.location}? An embedded database can be opened by one process at a time.`
      : `Check DATABASE_URL (${handle.location}).`;
  console.error(`\n  Parley cannot start: migrating the database failed. ${hint}\n`, error);
  process.exit(1);
}

const origin = publicBaseUrl(`http://localhost:${port}`);
let seedSummary = "";
// The demo seeds itself on a fresh embedded database in development only (PARLEY_SEED=0 turns it
// off); `npm start` seeds only when PARLEY_SEED=1 asks it to. Its password is random and printed
// once; in production its API key is not printed (a server's output is a log): roll one instead.
const seed = dev ? process.env.PARLEY_SEED !== "0" : process.env.PARLEY_SEED === "1";
if (embedded && seed) {
  const result = await seedDemo(handle.db, { baseUrl: origin });
  if (result.created.user || result.apiKey) seedSummary = describeSeed(result, `${origin}/sign-in`, { showKey: dev });
}

const app = next({ dev, hostname: host, port, dir: process.cwd() });
const requestHandler = app.getRequestHandler();
await app.prepare();

const shutdownMs = Number(process.env.PARLEY_SHUTDOWN_MS) || 10_000;
const inFlight = new Set<ServerResponse>();
let draining = false;
const m = metrics();
if (handle.kind === "postgres") m.dbPoolMax.set(Number(process.env.DATABASE_POOL_MAX || 10));

/** Counts the request for /metrics and keeps it in `inFlight` until its response is done (or the client left). */
function track(req: IncomingMessage, res: ServerResponse) {
  const started = performance.now();
  inFlight.add(res);
  m.httpInFlight.inc();
  res.once("close", () => {
    inFlight.delete(res);
    m.httpInFlight.dec();
    const labels = {
      route: routeLabel((req.url ?? "/").split("?")[0]!),
      method: req.method ?? "",
      status: res.writableFinished ? String(res.statusCode) : "aborted",
    };
    m.httpRequests.inc(labels);
    m.httpDuration.observe(labels, (performance.now() - started) / 1000);
    if (draining && inFlight.size === 0) drained?.();
  });
}

const server = createServer((req, res) => {
  if (rejectUnroutedMethod(req, res)) return;
  stampPeerAddress(req);
  track(req, res);
  if (draining) res.setHeader("connection", "close"); // a kept-alive connection ends after this response
  void requestHandler(req, res);
});
server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
server.listen(port, host, () => {
  const db =
    handle.kind === "pglite"
      ? `embedded PostgreSQL (PGlite) in ${path.relative(process.cwd(), handle.location) || "."}`
      : `PostgreSQL ${handle.location}`;
  console.log(`\n  Parley is running${dev ? " (development)" : ""}: ${origin}`);
  console.log(`  Database: ${db}`);
  if (seedSummary) console.log(`\n  A demo workspace was created:\n${seedSummary}\n`);
  else console.log(`  Sign in at ${origin}/sign-in\n`);
});

// PARLEY_WORKERS=0: `npm run worker` does the background work (PostgreSQL only).
const stopBackground = backgroundWorkEnabled() || handle.kind === "pglite" ? startBackgroundWork() : async () => {};

let drained: (() => void) | undefined;

/**
 * SIGTERM/SIGINT: stop being ready and stop accepting, let the requests in progress (streams
 * included) finish within PARLEY_SHUTDOWN_MS, stop the background work (imports go back to the
 * queue), close the database, exit 0. A second signal exits at once.
 */
async function shutdown(signal: string) {
  if (draining) process.exit(1);
  draining = true;
  setDraining(true);
  const deadline = Date.now() + shutdownMs;
  console.log(`\n  ${signal}: stopping Parley (finishing ${inFlight.size} request(s) in progress)…`);
  const background = stopBackground(shutdownMs);
  server.close();
  server.closeIdleConnections();
  if (inFlight.size > 0) {
    await new Promise<void>((resolve) => {
      drained = resolve;
      setTimeout(resolve, shutdownMs).unref();
    });
  }
  server.closeAllConnections(); // past the deadline: whatever is left is cut
  await Promise.race([background, new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
  await app.close?.().catch(() => {});
  await closeDb().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

/**
 * Run from the standalone bundle (the Docker image: no next.config.js, the build's own config in
 * .next/required-server-files.json), Next is handed that config instead of looking for the file.
 */
function applyStandaloneConfig() {
  const dir = process.cwd();
  const required = path.join(dir, ".next", "required-server-files.json");
  if (process.env.__NEXT_PRIVATE_STANDALONE_CONFIG || dev || fs.existsSync(path.join(dir, "next.config.js"))) return;
  if (!fs.existsSync(required)) return;
  const { config } = JSON.parse(fs.readFileSync(required, "utf8")) as { config: unknown };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}

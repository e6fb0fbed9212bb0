/**
 * Parley's server: `npm run dev` (with --dev) and `npm start`. It wraps Next.js in a plain Node HTTP
 * server for one reason Next cannot serve: the client's real address. Every request's private
 * x-parley-peer-ip header is overwritten with the socket's peer address, so a client can never
 * forge it (Next itself keeps a client-sent X-Forwarded-For). Before listening it checks the
 * configuration, applies migrations and, on a fresh embedded database, seeds the demo.
 */
import { createServer } from "node:http";
import path from "node:path";
import nextEnv from "@next/env";

const dev = process.argv.includes("--dev");
process.env.NEXT_TELEMETRY_DISABLED ??= "1"; // a self-hosted product phones nowhere unless its operator opts in
nextEnv.loadEnvConfig(process.cwd(), dev);
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";

const { default: next } = await import("next");
const { getDbHandle, closeDb } = await import("@/db");
const { migrateDb } = await import("@/db/migrate");
const { seedDemo, describeSeed } = await import("@/db/seed");
const { ensureAuthSecret, ConfigError } = await import("@/lib/secrets");
const { parseTrustedProxies } = await import("@/lib/client-ip");
const { stampPeerAddress } = await import("@/lib/http/stamp-peer");
const { publicBaseUrl } = await import("@/lib/config");
const { startBackgroundWork } = await import("@/lib/background");

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
if (embedded && process.env.PARLEY_SEED !== "0") {
  const result = await seedDemo(handle.db, { baseUrl: origin });
  if (result.created.user || result.apiKey) seedSummary = describeSeed(result, `${origin}/sign-in`);
}

const app = next({ dev, hostname: host, port, dir: process.cwd() });
const requestHandler = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  stampPeerAddress(req);
  void requestHandler(req, res);
});
server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
server.listen(port, host, () => {
  const db = handle.kind === "pglite" ? `embedded PostgreSQL (PGlite) in ${path.relative(process.cwd(), handle.location) || "."}` : `PostgreSQL ${handle.location}`;
  console.log(`\n  Parley is running${dev ? " (development)" : ""}: ${origin}`);
  console.log(`  Database: ${db}`);
  if (seedSummary) console.log(`\n  A demo workspace was created:\n${seedSummary}\n`);
  else console.log(`  Sign in at ${origin}/sign-in\n`);
});

const stopBackground = startBackgroundWork();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n  ${signal}: stopping Parley…`);
  stopBackground();
  server.close();
  server.closeAllConnections();
  await app.close?.().catch(() => {});
  await closeDb().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

/**
 * `npm run worker`: Parley's background work (imports, webhooks, handoff emails, retention) as a process of
 * its own, so web processes can run with `PARLEY_WORKERS=0` and operators scale the two apart on one
 * PostgreSQL database. Any number of workers may run: every piece of work is claimed exclusively.
 * SIGTERM/SIGINT stop it gracefully: no new work is claimed, imports in progress give their sources
 * back to the queue, and it exits once the work in hand is settled (at most PARLEY_SHUTDOWN_MS).
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), false);
(process.env as Record<string, string>).NODE_ENV ??= "production";

const { getDbHandle, closeDb } = await import("@/db");
const { migrateDb } = await import("@/db/migrate");
const { startBackgroundWork } = await import("@/lib/background");
const { logEvent } = await import("@/lib/log");
const { setDraining, startHealthServer } = await import("@/lib/health");

const handle = await getDbHandle();
if (handle.kind === "pglite") {
  console.error(
    "\n  The worker needs PostgreSQL (DATABASE_URL): an embedded database can be opened by one process at a time, and `npm start` runs the background work itself.\n",
  );
  process.exit(1);
}
try {
  await migrateDb(handle); // instances starting together take turns through an advisory lock
} catch (error) {
  console.error(
    `\n  Parley's worker cannot start: migrating the database failed. Check DATABASE_URL (${handle.location}).\n`,
    error,
  );
  process.exit(1);
}

const stop = startBackgroundWork();
const healthPort = Number(process.env.PARLEY_WORKER_HEALTH_PORT);
const health = Number.isInteger(healthPort) && healthPort > 0 ? await startHealthServer(healthPort) : null;
logEvent("worker.started", { database: handle.location, ...(health && { healthPort }) });
console.log(`\n  Parley worker is running: imports, webhooks, emails and retention on ${handle.location}\n`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  setDraining(true); // /readyz answers 503 while the work in hand settles
  logEvent("worker.stopping", { signal });
  await stop(Number(process.env.PARLEY_SHUTDOWN_MS) || 10_000);
  await closeDb().catch(() => {});
  health?.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

import path from "node:path";
import fs from "node:fs";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import * as schema from "./schema";
import { Breaker, guardClient } from "./availability";

type Schema = typeof schema;
/** The app's database, whichever driver is underneath (postgres.js and PGlite share drizzle's Postgres API). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction opened on a Database: every query function accepts one, so a caller can compose them atomically. */
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** What query functions take: the database or a transaction on it. */
export type Db = Database | Transaction;

export type DbHandle = {
  db: Database;
  kind: "postgres" | "pglite";
  /** Where the data lives: a redacted URL or a directory ("memory" for an in-memory PGlite). */
  location: string;
  /** The connection URL (postgres only), for work that needs its own session. */
  url?: string;
  close: () => Promise<void>;
  /** Open while the server is unreachable (postgres only): statements then fail at once (db/availability.ts). */
  breaker?: Breaker;
};

export type DbOptions = { url?: string; dataDir?: string; memory?: boolean; poolMax?: number };

// The custom server (server.ts, run by tsx) and Next's route bundles load this module separately;
// keeping the handle on globalThis gives them one connection pool, and one PGlite instance, which
// must never open its directory twice.
const GLOBAL_KEY = Symbol.for("parley.db");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Promise<DbHandle> | DbHandle };
const g = globalThis as GlobalWithDb;

export function defaultDataDir(): string {
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.PGLITE_DATA_DIR ||
      path.join(/*turbopackIgnore: true*/ process.cwd(), ".data", "pglite"),
  );
}

function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== "" && Number.isFinite(value) && value >= 0
    ? value
    : fallback;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

/**
 * Statements with at most this many parameters run as named prepared statements on PostgreSQL: parsed once per
 * connection, no describe round trip, and the plan kept once PostgreSQL finds a generic one as good
 * (plan_cache_mode). Under the benchmark's chat load that took PostgreSQL's CPU per reply from about 3.9 to 2.5 ms.
 * A statement whose text grows with its input (a multi-row insert) stays unnamed past the bound, so a
 * connection keeps a bounded set (and postgres.js replaces its connections every 30 to 60 minutes).
 * DATABASE_PREPARE=0 turns it off, for a pooler that cannot keep prepared statements across transactions
 * (PgBouncer before 1.21 in transaction mode). Statements inside a transaction stay unnamed.
 */
export const PREPARE_MAX_PARAMETERS = 64;

/** Opens a database: postgres.js for a URL, otherwise PGlite (a directory, or memory). */
export async function openDb(opts: DbOptions = {}): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const statementTimeout = envMs("DATABASE_STATEMENT_TIMEOUT_MS", 30_000);
    const client = postgres(opts.url, {
      max: opts.poolMax ?? Number(process.env.DATABASE_POOL_MAX || 10),
      onnotice: () => {},
      // Fail fast (issue 13): a connection attempt gives up after DATABASE_CONNECT_TIMEOUT_MS (postgres.js
      // waits 30 s), and queued statements get the next attempt at once instead of after a growing back-off.
      connect_timeout: envMs("DATABASE_CONNECT_TIMEOUT_MS", 2_000) / 1000,
      backoff: () => 0,
      connection: {
        application_name: "parley",
        ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
        idle_in_transaction_session_timeout: 60_000,
        // JIT compiles a statement whose estimated cost passes jit_above_cost: meant for long analytic queries, it
        // cost the Chat API's admission statement 13 ms of CPU per call (a set-returning function is estimated at
        // 1,000 rows, times generate_series' 1,000), more than the statement's own work. The app runs short
        // statements only.
        jit: "off",
      },
    });
    const breaker = new Breaker();
    const prepare = !["0", "false"].includes((process.env.DATABASE_PREPARE ?? "").trim().toLowerCase());
    return {
      db: drizzle(
        guardClient(client, breaker, (parameters) => prepare && parameters <= PREPARE_MAX_PARAMETERS),
        { schema },
      ),
      kind: "postgres",
      location: redact(opts.url),
      url: opts.url,
      breaker,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { btree_gin } = await import("@electric-sql/pglite/contrib/btree_gin");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { fuzzystrmatch } = await import("@electric-sql/pglite/contrib/fuzzystrmatch");
  // pgvector's PGlite build. Its package is built against one PGlite release (0.0.15: PGlite 0.5.14, its peer)
  // and package.json pins exactly that pair: loaded into 0.5.16 it corrupted the instance's memory, and about
  // one import in three then spun in WASM for ever. Bump the two together, never one alone.
  const { vector } = await import("@electric-sql/pglite-pgvector");
  const { drizzle } = await import("drizzle-orm/pglite");
  // Extensions the migrations create: PGlite must be handed their files.
  const extensions = { btree_gin, vector, pg_trgm, fuzzystrmatch };
  let client: InstanceType<typeof PGlite>;
  let location = "memory";
  if (opts.memory) {
    client = new PGlite({ extensions });
  } else {
    location = opts.dataDir ?? defaultDataDir();
    fs.mkdirSync(location, { recursive: true });
    client = new PGlite(location, { extensions });
  }
  await client.waitReady;
  return {
    db: drizzle(client, { schema }),
    kind: "pglite",
    location,
    close: () => client.close(),
  };
}

/** The app's database, opened once per process on first use (never at import: `next build` imports routes). */
export function getDbHandle(): Promise<DbHandle> | DbHandle {
  if (!g[GLOBAL_KEY]) {
    const opening = openDb({ url: process.env.DATABASE_URL || undefined }).then((h) => (g[GLOBAL_KEY] = h));
    g[GLOBAL_KEY] = opening;
  }
  return g[GLOBAL_KEY]!;
}

export async function getDb(): Promise<Database> {
  return (await getDbHandle()).db;
}

/** Tests and scripts point the app at a database they opened themselves. */
export function setDbHandle(handle: DbHandle | undefined): void {
  if (handle) g[GLOBAL_KEY] = handle;
  else delete g[GLOBAL_KEY];
}

export async function closeDb(): Promise<void> {
  const h = g[GLOBAL_KEY];
  delete g[GLOBAL_KEY];
  if (h) await (await h).close();
}

/** Rows of a raw SQL query, whichever driver ran it (postgres.js returns an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export { schema };

import path from "node:path";
import fs from "node:fs";
import type { SQL } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "./schema";

/**
 * One database type for the whole app. PGlite's drizzle instance has the same query API; it is
 * typed as the postgres.js one so callers need not care which is underneath.
 */
export type Db = PostgresJsDatabase<typeof schema>;

export type DbHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Where the data lives: a redacted URL or a directory ("memory" for an in-memory PGlite). */
  location: string;
  /** The connection URL (postgres only), for work that needs its own session. */
  url?: string;
  close: () => Promise<void>;
};

export type DbOptions = { url?: string; dataDir?: string; memory?: boolean; poolMax?: number };

// The custom server (server.ts, run by tsx) and Next's route bundles load this module separately;
// keeping the handle on globalThis gives them one connection pool, and one PGlite instance, which
// must never open its directory twice.
const GLOBAL_KEY = Symbol.for("parley.db");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Promise<DbHandle> | DbHandle };
const g = globalThis as GlobalWithDb;

export function defaultDataDir(): string {
  return path.resolve(process.env.PGLITE_DATA_DIR || path.join(process.cwd(), ".data", "pglite"));
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

/** Opens a database: postgres.js for a URL, otherwise PGlite (a directory, or memory). */
export async function openDb(opts: DbOptions = {}): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(opts.url, {
      max: opts.poolMax ?? Number(process.env.DATABASE_POOL_MAX || 10),
      onnotice: () => {},
      connection: { application_name: "parley" },
    });
    return {
      db: drizzle(client, { schema }),
      kind: "postgres",
      location: redact(opts.url),
      url: opts.url,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { btree_gin } = await import("@electric-sql/pglite/contrib/btree_gin");
  const { drizzle } = await import("drizzle-orm/pglite");
  // Extensions the migrations create: PGlite must be handed their files.
  const extensions = { btree_gin };
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
    db: drizzle(client, { schema }) as unknown as Db,
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

export async function getDb(): Promise<Db> {
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

/** The benchmark's own PostgreSQL database: created fresh for a run, dropped at its end. */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { BenchError, cpuMs } from "./procs";

export const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

export type BenchDatabase = {
  name: string;
  url: string;
  serverVersion: string;
  /** A small client on the bench database, for setup and statistics. */
  sql: postgres.Sql;
  drop(): Promise<void>;
};

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const admin = postgres(adminUrl, {
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: "parley-bench" },
  });
  let serverVersion: string;
  try {
    const [row] = await admin<{ server_version: string }[]>`show server_version`;
    serverVersion = row!.server_version;
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    const reason = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new BenchError(
      `PostgreSQL is not reachable at ${redactUrl(adminUrl)} (${reason}). Start it, or point BENCH_DATABASE_URL at a server where this user may create databases.`,
    );
  }
  const name = `parley_bench_${randomBytes(5).toString("hex")}`;
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    throw new BenchError(
      `Could not create database ${name} on ${redactUrl(adminUrl)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: "parley-bench" } });
  let dropped = false;
  return {
    name,
    url,
    serverVersion,
    sql,
    async drop() {
      if (dropped) return;
      dropped = true;
      await sql.end({ timeout: 2 }).catch(() => {});
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end({ timeout: 2 }).catch(() => {});
      }
    },
  };
}

/** Server processes working for the bench database's connections (the app's pools), to read their CPU time. */
export async function backendPids(db: BenchDatabase): Promise<number[]> {
  const rows = await db.sql<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${db.name} and pid <> pg_backend_pid() and application_name = 'parley'`;
  return rows.map((r) => Number(r.pid));
}

export function backendsCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
}

/** Committed + rolled-back transactions on the bench database so far (statistics lag by up to a second). */
export async function transactionCount(db: BenchDatabase): Promise<number> {
  const [row] = await db.sql<{ n: string }[]>`
    select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = ${db.name}`;
  return Number(row?.n ?? 0);
}

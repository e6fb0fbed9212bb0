import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDb, queryRows, setDbHandle, type DbHandle } from "@/db";
import { migrateDb } from "@/db/migrate";
import { setLogSink } from "@/lib/log";
import {
  createTenant,
  postChat,
  startApiServer,
  usedThisMonth,
  type ApiServer,
  type Tenant,
} from "./fixtures/api-server";
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from "./fixtures/private-postgres";

/**
 * Issue 13, finding 5: with PostgreSQL down, Chat API requests hung 30 to 50 s (postgres.js queued
 * them behind connection attempts with back-off), and a refund that failed during the outage was
 * dropped, so quota was charged for replies never stored. On a cluster of the test's own (never the
 * shared server), stopped under load: every request made while it is down gets 503
 * service_unavailable with Retry-After, at once; requests succeed again once it is back, without a
 * restart; and the quota used equals the replies stored.
 */

type Outcome = { status: number; code?: string; retryAfter: string | null; ms: number; startedAt: number };

// On the PostgreSQL pass only (CI runs the integration tests twice; this one brings its own server anyway).
const runs = privatePostgresAvailable() && Boolean(process.env.DATABASE_URL);

let pg: PrivatePostgres;
let handle: DbHandle;
let server: ApiServer;
let tenant: Tenant;
const savedLimits = process.env.PARLEY_PLAN_LIMITS;

beforeAll(async () => {
  if (!runs) return;
  setLogSink(() => {});
  process.env.PARLEY_PLAN_LIMITS = JSON.stringify({
    scale: { messagesPerMonth: 1_000_000, requestsPerMinute: 1_000_000 },
  });
  pg = await startPrivatePostgres();
  handle = await openDb({ url: pg.url, poolMax: 10 });
  await migrateDb(handle);
  setDbHandle(handle);
  tenant = await createTenant(handle.db, { plan: "scale" });
  server = await startApiServer();
});

afterAll(async () => {
  // Each step on its own, so the cluster and its directory are removed whatever failed before.
  await server?.close().catch(() => {});
  setDbHandle(undefined);
  await handle?.close().catch(() => {});
  await pg?.destroy();
  setLogSink(null);
  if (savedLimits === undefined) delete process.env.PARLEY_PLAN_LIMITS;
  else process.env.PARLEY_PLAN_LIMITS = savedLimits;
});

async function ask(i: number): Promise<Outcome> {
  const startedAt = performance.now();
  const r = await postChat(server.url, tenant.integrationId, tenant.apiKey, {
    message: `What are your opening hours? (${i})`,
  });
  return {
    status: r.status,
    code: r.body?.error?.code,
    retryAfter: r.headers.get("retry-after"),
    ms: performance.now() - startedAt,
    startedAt,
  };
}

async function until(done: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!runs)("PostgreSQL stopped under load (issue 13, finding 5)", () => {
  it(
    "answers 503 with Retry-After at once while down, recovers without a restart, and charges only stored replies",
    { timeout: 180_000 },
    async () => {
      const outcomes: Outcome[] = [];
      let phase: "before" | "down" | "after" = "before";
      let n = 0;
      let stopLoad = false;
      const client = async () => {
        while (!stopLoad) outcomes.push(await ask(n++));
      };
      const clients = Array.from({ length: 6 }, client);

      await until(async () => outcomes.filter((o) => o.status === 200).length >= 12, "replies before the stop", 60_000);
      const stopping = performance.now();
      await pg.stop();
      const downAt = performance.now();
      phase = "down";
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const upAt = performance.now();
      await pg.start();
      phase = "after";
      // Recovery without a restart: requests succeed again within a few seconds of the server's return.
      await until(
        async () => outcomes.some((o) => o.startedAt > upAt && o.status === 200),
        "a reply after the restart",
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      stopLoad = true;
      await Promise.all(clients);
      expect(phase).toBe("after");

      const before = outcomes.filter((o) => o.startedAt + o.ms < stopping);
      const down = outcomes.filter((o) => o.startedAt > downAt && o.startedAt + o.ms < upAt);
      const statuses = (list: Outcome[]) => [...new Set(list.map((o) => `${o.status} ${o.code ?? ""}`.trim()))];
      expect(before.length).toBeGreaterThan(0);
      expect(statuses(before)).toEqual(["200"]);
      expect(down.length).toBeGreaterThan(5);
      expect(statuses(down)).toEqual(["503 service_unavailable"]);
      expect(down.every((o) => o.retryAfter !== null && Number(o.retryAfter) > 0)).toBe(true);
      // Before: 30 to 50 s each. Bound generously for a busy machine; the measured worst case is printed.
      const slowest = Math.max(...down.map((o) => o.ms));
      console.log(`database down: ${down.length} requests, all 503, slowest ${Math.round(slowest)} ms`);
      expect(slowest).toBeLessThan(5000);
      // Nothing failed in any other way, during the stop or the restart either.
      expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);

      // Refunds that failed during the outage are retried once the database is back: the quota used
      // comes back to exactly the replies stored, and no hold is left.
      const stored = async () => {
        const [row] = await queryRows<{ n: number | string }>(
          handle.db,
          sql`select count(*) as n from messages m join conversations c on c.id = m.conversation_id
            where c.workspace_id = ${tenant.workspaceId} and m.role = 'assistant'`,
        );
        return Number(row!.n);
      };
      const holds = async () =>
        Number((await queryRows<{ n: string }>(handle.db, sql`select count(*) as n from quota_holds`))[0]!.n);
      await until(async () => (await holds()) === 0, "the refunds to be retried", 60_000);
      expect(await usedThisMonth(handle.db, tenant.workspaceId)).toBe(await stored());
      expect(await stored()).toBe(outcomes.filter((o) => o.status === 200).length);
    },
  );
});

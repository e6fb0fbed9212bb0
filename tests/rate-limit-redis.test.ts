import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { admitRequest, type Admission } from "@/lib/admission";
import { consumeRateLimit } from "@/lib/rate-limit";
import { closeRedisRateLimiter } from "@/lib/rate-limit-redis";
import { openTestDb, setDbClock } from "./db";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
let h: DbHandle;
let redisUp = false;

beforeAll(async () => {
  h = await openTestDb();
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  probe.on("error", () => {});
  redisUp = await probe.connect().then(
    () => probe.ping().then(() => true),
    () => false,
  );
  probe.disconnect();
});
afterAll(async () => {
  delete process.env.REDIS_URL;
  closeRedisRateLimiter();
  await h.close();
});

describe("Redis rate-limit backend (REDIS_URL)", () => {
  it("admits exactly the limit out of 200 concurrent requests", async (ctx) => {
    if (!redisUp) ctx.skip(`no Redis at ${REDIS_URL}`);
    process.env.REDIS_URL = REDIS_URL;
    const key = `test:${randomBytes(6).toString("hex")}`;
    const results = await Promise.all(
      Array.from({ length: 200 }, () => consumeRateLimit(h.db, { key, limit: 10, periodSeconds: 60 })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const refused = results.find((r) => !r.allowed)!;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(6);
    // Redis held the state: the SQL table was not used
    const [row] = await queryRows<{ n: number }>(
      h.db,
      sql`select count(*)::int as n from rate_limits where key = ${key}`,
    );
    expect(row!.n).toBe(0);
  });

  it("falls back to PostgreSQL, still exact, when Redis is unreachable", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1"; // nothing listens there
    closeRedisRateLimiter();
    await setDbClock(h, new Date("2026-06-01T00:00:00Z"));
    const key = `fallback:${randomBytes(6).toString("hex")}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => consumeRateLimit(h.db, { key, limit: 5, periodSeconds: 60 })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    await setDbClock(h, null);
  });

  /**
   * The same sequence (a lone request, bursts that go grouped, requests past the limit) against each
   * store in turn: every request's decision and numbers must match. PostgreSQL's clock is frozen;
   * Redis's runs, which moves nothing by less than a second here.
   */
  it("Redis and PostgreSQL give the same decisions on the same sequence", async (ctx) => {
    if (!redisUp) ctx.skip(`no Redis at ${REDIS_URL}`);
    closeRedisRateLimiter();
    const made = await createUserWithWorkspace(h.db, {
      email: `parity-${randomBytes(4).toString("hex")}@example.com`,
      name: "P",
      passwordHash: "x",
      workspaceName: "Parity",
    });
    const workspaceId = made!.workspace.id;
    const view = (r: { allowed: boolean; remaining: number; resetSeconds: number; retryAfterSeconds: number }) =>
      `${r.allowed ? "ok" : "no"} ${r.remaining} ${r.resetSeconds} ${r.retryAfterSeconds}`;
    const admissionView = (a: Admission) =>
      `${view(a.rate)} | ${a.quota === null ? "-" : a.quota.allowed ? `q${a.quota.used}` : `q-no ${a.quota.used}`}`;

    async function sequence(store: "postgres" | "redis"): Promise<string[]> {
      if (store === "redis") process.env.REDIS_URL = REDIS_URL;
      else delete process.env.REDIS_URL;
      await setDbClock(h, new Date("2026-07-15T08:00:00Z"));
      const tag = `${store}:${randomBytes(4).toString("hex")}`;
      const one = (key: string) => consumeRateLimit(h.db, { key, limit: 10, periodSeconds: 60 });
      const out: string[] = [];
      out.push(view(await one(`seq:${tag}`)));
      for (const r of await Promise.all(Array.from({ length: 4 }, () => one(`seq:${tag}`)))) out.push(view(r));
      for (const r of await Promise.all(Array.from({ length: 8 }, () => one(`seq:${tag}`)))) out.push(view(r));
      out.push(view(await one(`seq:${tag}`)));
      const admit = () =>
        admitRequest(h.db, { rateKey: `adm:${tag}`, requestsPerMinute: 6, workspaceId, messagesPerMonth: 4 });
      for (const a of await Promise.all(Array.from({ length: 8 }, admit))) out.push(admissionView(a));
      await h.db.execute(sql`delete from usage where workspace_id = ${workspaceId}`);
      return out;
    }

    const postgres = await sequence("postgres");
    const redis = await sequence("redis");
    expect(redis).toEqual(postgres);
    // Redis held the second run's state (no silent fallback to PostgreSQL)
    const [held] = await queryRows<{ n: number }>(
      h.db,
      sql`select count(*)::int as n from rate_limits where key like 'seq:redis:%' or key like 'adm:redis:%'`,
    );
    expect(held!.n).toBe(0);
    // and the sequence says what the limit means: 10 pass, then Retry-After is one emission interval
    expect(postgres.slice(0, 11)).toEqual(
      Array.from({ length: 10 }, (_, i) => `ok ${9 - i} ${6 * (i + 1)} 0`).concat("no 0 60 6"),
    );
    expect(postgres.slice(14, 22)).toEqual([
      "ok 5 10 0 | q1",
      "ok 4 20 0 | q2",
      "ok 3 30 0 | q3",
      "ok 2 40 0 | q4",
      "ok 1 50 0 | q-no 4",
      "ok 0 60 0 | q-no 4",
      "no 0 60 10 | -",
      "no 0 60 10 | -",
    ]);
    await setDbClock(h, null);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
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
  redisUp = await probe.connect().then(() => probe.ping().then(() => true), () => false);
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
    const results = await Promise.all(Array.from({ length: 200 }, () => consumeRateLimit(h.db, { key, limit: 10, periodSeconds: 60 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const refused = results.find((r) => !r.allowed)!;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(6);
    // Redis held the state: the SQL table was not used
    const [row] = await queryRows<{ n: number }>(h.db, sql`select count(*)::int as n from rate_limits where key = ${key}`);
    expect(row!.n).toBe(0);
  });

  it("falls back to PostgreSQL, still exact, when Redis is unreachable", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1"; // nothing listens there
    closeRedisRateLimiter();
    await setDbClock(h, new Date("2026-06-01T00:00:00Z"));
    const key = `fallback:${randomBytes(6).toString("hex")}`;
    const results = await Promise.all(Array.from({ length: 50 }, () => consumeRateLimit(h.db, { key, limit: 5, periodSeconds: 60 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    await setDbClock(h, null);
  });
});

/**
 * consumeRateLimit (sign-in and anything else that spends one request at a time) runs the same
 * batched statement as the Chat API's admission: a lone request is a batch of one, a burst of one
 * key goes together, and every request gets the numbers it would have had alone.
 */
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DbHandle } from "@/db";
import { consumeRateLimit, peekRateLimit } from "@/lib/rate-limit";
import { openTestDb, setDbClock } from "./db";
import { groupedCounter } from "./fixtures/grouped-count";

const statements = groupedCounter("rate-limit");
let h: DbHandle;

beforeAll(async () => {
  delete process.env.REDIS_URL;
  h = await openTestDb();
});
afterEach(async () => {
  await setDbClock(h, null);
});
afterAll(async () => {
  await h.close();
});

const T0 = new Date("2027-03-01T10:00:00.000Z");

describe("rate limit: one batched statement", () => {
  it("a lone request goes through the batched statement as a batch of one, on the database's arrival time", async () => {
    await setDbClock(h, T0);
    const before = { ...statements };
    const one = await consumeRateLimit(h.db, { key: "lone", limit: 10, periodSeconds: 60 });
    expect(statements.statements - before.statements).toBe(1);
    expect(statements.calls - before.calls).toBe(1);
    expect(one).toEqual({ allowed: true, limit: 10, remaining: 9, resetSeconds: 6, retryAfterSeconds: 0 });
    const [row] = await queryRows<{ ahead: number | string }>(
      h.db,
      sql`select extract(epoch from (tat - app_now())) as ahead from rate_limits where key = 'lone'`,
    );
    expect(Number(row!.ahead)).toBe(6);
    expect(await peekRateLimit(h.db, { key: "lone", limit: 10, periodSeconds: 60 })).toEqual({
      limit: 10,
      remaining: 9,
      resetSeconds: 6,
    });
  });

  it("a burst of one key goes together, in order, exactly the limit passing, each with its own numbers", async () => {
    await setDbClock(h, T0);
    const before = statements.statements;
    const results = await Promise.all(
      Array.from({ length: 15 }, () => consumeRateLimit(h.db, { key: "burst", limit: 10, periodSeconds: 60 })),
    );
    expect(statements.statements - before).toBeLessThan(15);
    expect(results.map((r) => r.allowed)).toEqual([...Array(10).fill(true), ...Array(5).fill(false)]);
    expect(results.slice(0, 10).map((r) => r.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(results.slice(10).every((r) => r.retryAfterSeconds === 6 && r.resetSeconds === 60)).toBe(true);
  });

  it("a limit of zero refuses without touching the database", async () => {
    const before = statements.statements;
    const r = await consumeRateLimit(h.db, { key: "closed", limit: 0, periodSeconds: 60 });
    expect(r).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 60 });
    expect(statements.statements).toBe(before);
  });
});

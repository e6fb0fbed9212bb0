/**
 * Limits per end user (issue 15): an integration's optional requests a minute and messages a month
 * per user_id, with their own 429 codes and headers, exact under 200 concurrent requests (on
 * PostgreSQL's admit_requests and with Redis holding the rate limits), a request refused by any limit
 * spending nothing of the others, set on the integration's page by owners and admins.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Redis } from "ioredis";
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { takeOverConversation } from "@/db/queries/handoff";
import { updateIntegration } from "@/db/queries/integrations";
import { auditLog, integrations, rateLimits, usage } from "@/db/schema";
import { setEndUserLimitsAction } from "@/app/(dashboard)/integrations/actions";
import { endUserKey } from "@/lib/admission";
import { auditChangesText } from "@/lib/audit";
import { closeRedisRateLimiter, rateLimitAheadRedis } from "@/lib/rate-limit-redis";
import { idleForm } from "@/lib/validations/form";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { setDbClock } from "./db";
import {
  createTenant,
  postChat,
  usedThisMonth,
  type ApiReply,
  type ApiServer,
  type Tenant,
} from "./fixtures/api-server";
import { addMember, createUser, signInAs } from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let h: DbHandle;
let api: ApiServer;
let suite: ApiSuite;
let redisUp = false;

beforeAll(async () => {
  suite = await openApiSuite(null);
  ({ h, api } = suite);
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  redisUp = await probe.connect().then(
    () => true,
    () => false,
  );
  probe.disconnect();
});
afterEach(async () => {
  await setDbClock(h, null);
  delete process.env.REDIS_URL;
  closeRedisRateLimiter();
});
afterAll(async () => {
  await suite?.close();
});

const T0 = new Date("2027-03-10T12:00:00.000Z");

function setPlanLimits(limits: { requestsPerMinute: number; messagesPerMonth: number }) {
  process.env.PARLEY_PLAN_LIMITS = JSON.stringify({ starter: limits });
}

async function tenantLimiting(limits: { requestsPerMinute: number | null; messagesPerMonth: number | null }) {
  const t = await createTenant(h.db, { knowledge: false });
  await updateIntegration(h.db, { ...t, actorUserId: t.userId, endUserLimits: limits });
  return t;
}

const chat = (t: Tenant, body: Record<string, unknown>) => postChat(api.url, t.integrationId, t.apiKey, body);
const burst = (t: Tenant, n: number, userId: string | null) =>
  Promise.all(Array.from({ length: n }, (_, i) => chat(t, { message: `Hello ${i}`, user_id: userId })));
const codes = (rs: ApiReply[]) => rs.map((r) => (r.status === 200 ? 200 : r.body.error.code));
const count = (rs: ApiReply[], what: number | string) => codes(rs).filter((c) => c === what).length;

/** The end user's count this month on the integration. */
async function userUsed(t: Tenant, userId: string): Promise<number> {
  const [row] = await queryRows<{ used: number }>(
    h.db,
    sql`select used from usage where workspace_id = ${t.workspaceId} and subject = ${endUserKey(t.integrationId, userId)}
          and month = date_trunc('month', app_now() at time zone 'UTC')::date`,
  );
  return Number(row?.used ?? 0);
}

/** Until the app's Redis client answers (each try bounded by its own 250 ms command timeout). */
async function connectLimiterToRedis() {
  for (let i = 0; i < 20; i++)
    if (
      await rateLimitAheadRedis(REDIS_URL, "warm-up").then(
        () => true,
        () => false,
      )
    )
      return;
  throw new Error("the limiter's Redis client did not connect");
}

describe("requests a minute per end user", () => {
  async function exactBurst() {
    setPlanLimits({ requestsPerMinute: 100_000, messagesPerMonth: 1_000_000 });
    await setDbClock(h, T0);
    const t = await tenantLimiting({ requestsPerMinute: 10, messagesPerMonth: null });
    const rs = await burst(t, 200, "heavy-user");
    expect(count(rs, 200)).toBe(10);
    expect(count(rs, "user_rate_limited")).toBe(190);
    const ok = rs.filter((r) => r.status === 200);
    expect(ok.map((r) => Number(r.headers.get("x-ratelimit-user-remaining"))).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(ok.every((r) => r.headers.get("x-ratelimit-user-limit") === "10")).toBe(true);
    const refused = rs.find((r) => r.status === 429)!;
    expect(refused.body.error.message).toMatch(/this user_id/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("x-ratelimit-user-remaining")).toBe("0");
    // The refused requests spent nothing else: not the integration's minute, not the workspace's month.
    expect(await usedThisMonth(h.db, t.workspaceId)).toBe(10);
    const other = await chat(t, { message: "Hi", user_id: "light-user" });
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-remaining")).toBe(String(100_000 - 11));
    expect(other.headers.get("x-ratelimit-user-remaining")).toBe("9");
    // Without a user_id there is no user to limit.
    const anonymous = await chat(t, { message: "Hi" });
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("x-ratelimit-user-limit")).toBeNull();
    // A minute later the user may go again, one emission interval (6 s) at a time.
    await setDbClock(h, new Date(T0.getTime() + 6_000));
    expect(codes(await burst(t, 3, "heavy-user"))).toEqual(expect.arrayContaining([200, "user_rate_limited"]));
    expect(count(await burst(t, 3, "heavy-user"), 200)).toBe(0);
  }

  it("200 concurrent requests of one user against a limit of 10 admit exactly 10 (PostgreSQL)", exactBurst);

  it("the same with the rate limits on Redis", async (ctx) => {
    if (!redisUp) ctx.skip(`no Redis at ${REDIS_URL}`);
    process.env.REDIS_URL = REDIS_URL;
    // Connected before the burst: a first command that outwaits the 250 ms timeout while the connection is
    // made (a busy machine) is decided by PostgreSQL, whose arrival times are not Redis's.
    await connectLimiterToRedis();
    // Redis has its own clock: each run needs keys no earlier run used, which fresh tenants give.
    setPlanLimits({ requestsPerMinute: 100_000, messagesPerMonth: 1_000_000 });
    const t = await tenantLimiting({ requestsPerMinute: 10, messagesPerMonth: null });
    const rs = await burst(t, 200, "heavy-user");
    expect(count(rs, 200)).toBe(10);
    expect(count(rs, "user_rate_limited")).toBe(190);
    expect(await usedThisMonth(h.db, t.workspaceId)).toBe(10);
  });

  it("what the integration's own limit refuses does not count against the user", async () => {
    setPlanLimits({ requestsPerMinute: 5, messagesPerMonth: 1_000_000 });
    await setDbClock(h, T0);
    const t = await tenantLimiting({ requestsPerMinute: 20, messagesPerMonth: null });
    const rs = await burst(t, 200, "u");
    // Every refusal is the integration's: what it refused was given back to the user each time.
    expect(count(rs, 200)).toBe(5);
    expect(count(rs, "rate_limited")).toBe(195);
    // The user has spent exactly the 5 that passed: 5 emission intervals of 3 s on their arrival time.
    const [row] = await queryRows<{ ahead: number | string }>(
      h.db,
      sql`select extract(epoch from tat - app_now()) as ahead from rate_limits where key = ${endUserKey(t.integrationId, "u")}`,
    );
    expect(Number(row!.ahead)).toBe(15);
    const next = await chat(t, { message: "Hi", user_id: "u" });
    expect(next.body.error.code).toBe("rate_limited");
  });
  it("on Redis too, what the integration's own limit refuses does not count against the user", async (ctx) => {
    if (!redisUp) ctx.skip(`no Redis at ${REDIS_URL}`);
    process.env.REDIS_URL = REDIS_URL;
    // Connected before the burst: a first command that outwaits the 250 ms timeout while the connection is
    // made (a busy machine) is decided by PostgreSQL, whose arrival times are not Redis's.
    await connectLimiterToRedis();
    setPlanLimits({ requestsPerMinute: 5, messagesPerMonth: 1_000_000 });
    const t = await tenantLimiting({ requestsPerMinute: 20, messagesPerMonth: null });
    const rs = await burst(t, 200, "u");
    expect(count(rs, 200)).toBe(5);
    expect(count(rs, "rate_limited")).toBe(195);
    // The user's arrival time on Redis moved by the 5 that passed (5 × 3 s), not by the 200 sent.
    const ahead = await rateLimitAheadRedis(REDIS_URL, endUserKey(t.integrationId, "u"));
    expect(ahead).toBeGreaterThan(13);
    expect(ahead).toBeLessThanOrEqual(15);
    expect((await chat(t, { message: "Hi", user_id: "u" })).body.error.code).toBe("rate_limited");
  });
});

describe("messages a month per end user", () => {
  it("200 concurrent requests of one user against 25 a month admit exactly 25, until the month turns", async () => {
    setPlanLimits({ requestsPerMinute: 100_000, messagesPerMonth: 1_000_000 });
    await setDbClock(h, new Date("2027-03-31T23:59:00.000Z"));
    const t = await tenantLimiting({ requestsPerMinute: null, messagesPerMonth: 25 });
    const rs = await burst(t, 200, "chatty");
    expect(count(rs, 200)).toBe(25);
    expect(count(rs, "user_quota_exceeded")).toBe(175);
    const refused = rs.find((r) => r.status === 429)!;
    expect(refused.headers.get("retry-after")).toBe("60"); // to 00:00 UTC on April 1st
    expect(refused.headers.get("x-quota-user-remaining")).toBe("0");
    const ok = rs.filter((r) => r.status === 200);
    expect(ok.map((r) => Number(r.headers.get("x-quota-user-remaining"))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
    expect(ok.every((r) => r.headers.get("x-quota-user-limit") === "25")).toBe(true);
    expect(await userUsed(t, "chatty")).toBe(25);
    expect(await usedThisMonth(h.db, t.workspaceId)).toBe(25);
    expect((await chat(t, { message: "Hi", user_id: "quiet" })).status).toBe(200);

    await setDbClock(h, new Date("2027-04-01T00:00:00.000Z"));
    expect((await chat(t, { message: "New month", user_id: "chatty" })).status).toBe(200);
    expect(await userUsed(t, "chatty")).toBe(1);
  });

  it("what the workspace's quota refuses does not count against the user; an unanswered message is given back to both", async () => {
    setPlanLimits({ requestsPerMinute: 100_000, messagesPerMonth: 8 });
    const t = await tenantLimiting({ requestsPerMinute: null, messagesPerMonth: 50 });
    const rs = await burst(t, 200, "u");
    expect(count(rs, 200)).toBe(8);
    expect(count(rs, "quota_exceeded")).toBe(192);
    expect(await userUsed(t, "u")).toBe(8);

    // A person owns the conversation: the bot does not reply, so neither month counts the message.
    setPlanLimits({ requestsPerMinute: 100_000, messagesPerMonth: 1_000 });
    const id = rs.find((r) => r.status === 200)!.body.conversation_id as string;
    await takeOverConversation(h.db, { workspaceId: t.workspaceId, conversationId: id, userId: t.userId });
    expect((await chat(t, { message: "Hello team", user_id: "u", conversation_id: id })).body.handoff).toBe(true);
    expect(await userUsed(t, "u")).toBe(8);
    expect(await usedThisMonth(h.db, t.workspaceId)).toBe(8);
  });
});

describe("erasure and settings", () => {
  it("erasing the user forgets their limiter state; no row of it holds the user id", async () => {
    setPlanLimits({ requestsPerMinute: 100_000, messagesPerMonth: 1_000_000 });
    const t = await tenantLimiting({ requestsPerMinute: 100, messagesPerMonth: 100 });
    await chat(t, { message: "Hi", user_id: "forget-me-please" });
    const key = endUserKey(t.integrationId, "forget-me-please");
    expect(key).not.toContain("forget-me-please");
    expect(await h.db.$count(rateLimits, eq(rateLimits.key, key))).toBe(1);
    expect(await h.db.$count(usage, eq(usage.subject, key))).toBe(1);
    const res = await fetch(`${api.url}/chat/custom/${t.integrationId}/users/forget-me-please`, {
      method: "DELETE",
      headers: { "x-api-key": t.apiKey },
    });
    expect(res.status).toBe(200);
    expect(await h.db.$count(rateLimits, eq(rateLimits.key, key))).toBe(0);
    expect(await h.db.$count(usage, eq(usage.subject, key))).toBe(0);
    expect(await h.db.$count(usage, and(eq(usage.workspaceId, t.workspaceId), eq(usage.subject, "")))).toBe(1);
  });

  it("owners and admins set them on the integration's page; bad input is refused and kept; others change nothing", async () => {
    const t = await createTenant(h.db, { knowledge: false });
    const form = (requestsPerMinute: string, messagesPerMonth: string) => {
      const f = new FormData();
      f.set("requestsPerMinute", requestsPerMinute);
      f.set("messagesPerMonth", messagesPerMonth);
      return f;
    };
    const saved = async () =>
      (
        await h.db
          .select({ rpm: integrations.userRequestsPerMinute, mpm: integrations.userMessagesPerMonth })
          .from(integrations)
          .where(eq(integrations.id, t.integrationId))
      )[0];
    const act = (f: FormData) => setEndUserLimitsAction(t.integrationId, idleForm, f);
    signInAs(t.userId, t.workspaceId);

    const bad: Array<[string, string, "requestsPerMinute" | "messagesPerMonth"]> = [
      ["0", "", "requestsPerMinute"],
      ["-1", "", "requestsPerMinute"],
      ["10001", "", "requestsPerMinute"],
      ["2.5", "", "requestsPerMinute"],
      ["ten", "", "requestsPerMinute"],
      ["", "0", "messagesPerMonth"],
      ["", "10000001", "messagesPerMonth"],
      ["", "1e6", "messagesPerMonth"],
    ];
    for (const [rpm, mpm, field] of bad) {
      const result = await act(form(rpm, mpm));
      expect(result, `${rpm}|${mpm}`).toMatchObject({
        status: "error",
        values: { requestsPerMinute: rpm, messagesPerMonth: mpm },
      });
      expect(result.fieldErrors?.[field]?.[0], `${rpm}|${mpm}`).toMatch(/whole number from 1 to/);
    }
    expect(await saved()).toEqual({ rpm: null, mpm: null });

    expect(await act(form(" 30 ", "1,000"))).toMatchObject({
      status: "saved",
      values: { requestsPerMinute: "30", messagesPerMonth: "1000" },
    });
    expect(await saved()).toEqual({ rpm: 30, mpm: 1000 });
    // The API applies them at once (the cached admission is cleared by the change).
    const r = await chat(t, { message: "Hi", user_id: "someone" });
    expect([r.headers.get("x-ratelimit-user-limit"), r.headers.get("x-quota-user-limit")]).toEqual(["30", "1000"]);

    for (const role of ["member", "viewer"] as const) {
      const person = await createUser(h.db, role);
      await addMember(h.db, t.workspaceId, person.id, role);
      signInAs(person.id, t.workspaceId);
      expect(await act(form("", ""))).toMatchObject({ status: "error", code: "forbidden" });
    }
    const other = await createTenant(h.db, { knowledge: false });
    signInAs(other.userId, other.workspaceId);
    expect(await act(form("", ""))).toMatchObject({ status: "error" });
    expect(await saved()).toEqual({ rpm: 30, mpm: 1000 });

    signInAs(t.userId, t.workspaceId);
    expect(await act(form("", ""))).toMatchObject({ status: "saved", message: "Saved: no limits per end user." });
    expect(await saved()).toEqual({ rpm: null, mpm: null });
    const entries = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, t.integrationId), eq(auditLog.action, "integration.updated")))
      .orderBy(auditLog.id);
    expect(entries.map((e) => auditChangesText(e.before, e.after))).toEqual([
      expect.stringContaining(
        "Messages per end user: no limit → 1000 a month; Requests per end user: no limit → 30 a minute",
      ),
      expect.stringContaining(
        "Messages per end user: 1000 a month → no limit; Requests per end user: 30 a minute → no limit",
      ),
    ]);
  });
});

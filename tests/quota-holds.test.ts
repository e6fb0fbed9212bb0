import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { getBot } from "@/db/queries/bots";
import { bots, type Bot } from "@/db/schema";
import { admitRequest } from "@/lib/admission";
import { answerTestMessage, TEST_CHAT_REQUESTS_PER_MINUTE } from "@/lib/bots/test-chat";
import { setLogSink } from "@/lib/log";
import { holdLifetimeSeconds, reconcileQuotaHolds } from "@/lib/quota";
import { createTenant, usedThisMonth, type Tenant } from "./fixtures/api-server";
import { startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";
import { setEnv } from "./fixtures/env";
import { openTestDb, setDbClock } from "./db";

/**
 * The quota's holds (issue 13, findings 5 and 7): a message the quota took is settled by its stored
 * reply or given back, even when the request died in between (a crash: the reconciler refunds it);
 * and the dashboard's test chat spends the same quota, with a rate limit of its own per member.
 */

let h: DbHandle;
let model: OpenAiServer;
let restoreEnv: () => void;

beforeAll(async () => {
  setLogSink(() => {});
  model = await startOpenAiServer();
  restoreEnv = setEnv({ LLM_BASE_URL: model.url, LLM_MODEL: "test-model", PARLEY_PLAN_LIMITS: undefined });
  h = await openTestDb();
});

afterAll(async () => {
  await h?.close();
  await model?.close();
  setLogSink(null);
  restoreEnv?.();
});

async function holdsOf(workspaceId: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    h.db,
    sql`select count(*) as n from quota_holds where workspace_id = ${workspaceId}`,
  );
  return Number(row!.n);
}

async function testReplies(workspaceId: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    h.db,
    sql`select count(*) as n from messages m join conversations c on c.id = m.conversation_id
        where c.workspace_id = ${workspaceId} and c.channel = 'test' and m.role = 'assistant'`,
  );
  return Number(row!.n);
}

async function botOf(tenant: Tenant): Promise<Bot> {
  return (await getBot(h.db, { workspaceId: tenant.workspaceId, botId: tenant.botId }))!;
}

describe("quota holds: what a crash leaves is given back", () => {
  it("a message taken by a request that never finished is refunded once its hold outlives any request, and only once", async () => {
    const tenant = await createTenant(h.db, { knowledge: false });
    const admitted = await admitRequest(h.db, {
      rateKey: `int:${tenant.integrationId}`,
      requestsPerMinute: 20,
      workspaceId: tenant.workspaceId,
      messagesPerMonth: 1000,
    });
    expect(admitted.quota?.allowed).toBe(true);
    // The process dies here: no reply stored, no refund written.
    expect(await usedThisMonth(h.db, tenant.workspaceId)).toBe(1);
    expect(await reconcileQuotaHolds(h.db)).toBe(0); // too young: its request may still be running

    await setDbClock(h, new Date(Date.now() + (holdLifetimeSeconds() + 60) * 1000));
    try {
      expect(await reconcileQuotaHolds(h.db)).toBe(1);
      expect(await reconcileQuotaHolds(h.db)).toBe(0);
    } finally {
      await setDbClock(h, null);
    }
    expect(await usedThisMonth(h.db, tenant.workspaceId)).toBe(0);
    expect(await holdsOf(tenant.workspaceId)).toBe(0);
  });
});

describe("test chat: a test message is a real reply (issue 13, finding 7)", () => {
  it("spends the workspace's monthly quota, settles its hold with the stored reply, and gives it back when the model fails", async () => {
    const tenant = await createTenant(h.db);
    const answered = await answerTestMessage(h.db, {
      workspaceId: tenant.workspaceId,
      memberId: tenant.userId,
      plan: "starter",
      bot: await botOf(tenant),
      conversationId: null,
      message: "When are you open?",
    });
    expect(answered.ok).toBe(true);
    expect(await usedThisMonth(h.db, tenant.workspaceId)).toBe(1);
    expect(await holdsOf(tenant.workspaceId)).toBe(0);

    await h.db.update(bots).set({ engine: "llm" }).where(eq(bots.id, tenant.botId));
    model.setMode("fail");
    try {
      const failed = await answerTestMessage(h.db, {
        workspaceId: tenant.workspaceId,
        memberId: tenant.userId,
        plan: "starter",
        bot: await botOf(tenant),
        conversationId: null,
        message: "When are you open?",
      });
      expect(failed).toMatchObject({ ok: false, code: "generation_failed" });
    } finally {
      model.setMode("ok");
    }
    expect(await usedThisMonth(h.db, tenant.workspaceId)).toBe(1);
    expect(await holdsOf(tenant.workspaceId)).toBe(0);
    expect(await testReplies(tenant.workspaceId)).toBe(1);
  });

  it("has a per-member rate limit: one member's burst is refused, another member of the workspace is not", async () => {
    const tenant = await createTenant(h.db, { knowledge: false });
    const bot = await botOf(tenant);
    const send = (memberId: string) =>
      answerTestMessage(h.db, {
        workspaceId: tenant.workspaceId,
        memberId,
        plan: "starter",
        bot,
        conversationId: null,
        message: "hi",
      });
    await setDbClock(h, new Date(Date.now() + 3_600_000)); // the limit's clock stands still: no token comes back mid-burst
    try {
      const burst = [];
      for (let i = 0; i < TEST_CHAT_REQUESTS_PER_MINUTE + 2; i++) burst.push(await send(tenant.userId));
      const codes = burst.map((r) => (r.ok ? "ok" : r.code));
      expect(codes.filter((c) => c === "ok")).toHaveLength(TEST_CHAT_REQUESTS_PER_MINUTE);
      expect(codes.slice(TEST_CHAT_REQUESTS_PER_MINUTE)).toEqual(["rate_limited", "rate_limited"]);
      expect((await send("usr_another_member")).ok).toBe(true);
    } finally {
      await setDbClock(h, null);
    }
    // A refused message spent nothing and stored nothing.
    expect(await usedThisMonth(h.db, tenant.workspaceId)).toBe(TEST_CHAT_REQUESTS_PER_MINUTE + 1);
    expect(await testReplies(tenant.workspaceId)).toBe(TEST_CHAT_REQUESTS_PER_MINUTE + 1);
  });

  it("is refused with quota_exceeded once the month's messages are used, API and test chat together", async () => {
    process.env.PARLEY_PLAN_LIMITS = JSON.stringify({ core: { messagesPerMonth: 2, requestsPerMinute: 60 } });
    try {
      const tenant = await createTenant(h.db, { plan: "core", knowledge: false });
      const bot = await botOf(tenant);
      const send = () =>
        answerTestMessage(h.db, {
          workspaceId: tenant.workspaceId,
          memberId: tenant.userId,
          plan: "core",
          bot,
          conversationId: null,
          message: "hello",
        });
      // One message through the API's admission, then the test chat takes the last one.
      await admitRequest(h.db, {
        rateKey: `int:${tenant.integrationId}`,
        requestsPerMinute: 60,
        workspaceId: tenant.workspaceId,
        messagesPerMonth: 2,
      });
      expect((await send()).ok).toBe(true);
      const refused = await send();
      expect(refused).toMatchObject({ ok: false, code: "quota_exceeded" });
      expect(await usedThisMonth(h.db, tenant.workspaceId)).toBe(2);
      expect(await testReplies(tenant.workspaceId)).toBe(1);
    } finally {
      delete process.env.PARLEY_PLAN_LIMITS;
    }
  });
});

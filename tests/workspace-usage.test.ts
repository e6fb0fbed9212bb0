/**
 * Usage: the month's count (the quota counter) matches the messages stored, per day and per
 * integration, and only the workspace's own API messages count. The dashboard banner warns at 80%
 * and 100% of the quota.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { createIntegration, listIntegrations } from "@/db/queries/integrations";
import { chargedMessagesThisMonth, dailyMessagesByIntegration } from "@/db/queries/usage";
import { conversations, messages } from "@/db/schema";
import { UsageBanner } from "@/components/usage-banner";
import { handleChatRequest } from "@/lib/chat/handle-chat-request";
import { newId } from "@/lib/ids";
import { getMonthlyUsage } from "@/db/queries/usage";
import { openTestDb } from "./db";
import { chat, createOwnedWorkspace } from "./workspace-fixtures";

let h: DbHandle;
const saved = { limits: process.env.PARLEY_PLAN_LIMITS, log: process.env.PARLEY_LOG };

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  process.env.PARLEY_PLAN_LIMITS = JSON.stringify({ starter: { messagesPerMonth: 1_000, requestsPerMinute: 10_000 } });
  h = await openTestDb();
});
afterAll(async () => {
  await h?.close();
  for (const [key, value] of [
    ["PARLEY_PLAN_LIMITS", saved.limits],
    ["PARLEY_LOG", saved.log],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("usage counts match the messages stored", () => {
  it("this month, per day and per integration, for this workspace only", async () => {
    const mine = await createOwnedWorkspace(h.db, "usage");
    const other = await createOwnedWorkspace(h.db, "other");
    const actor = { actorUserId: mine.owner.id };
    const web = (await createIntegration(h.db, {
      workspaceId: mine.workspace.id,
      botId: mine.bot.id,
      name: "Website",
      ...actor,
    }))!;
    const app = (await createIntegration(h.db, {
      workspaceId: mine.workspace.id,
      botId: mine.bot.id,
      name: "Mobile app",
      ...actor,
    }))!;
    const theirs = (await createIntegration(h.db, {
      workspaceId: other.workspace.id,
      botId: other.bot.id,
      name: "Theirs",
      actorUserId: other.owner.id,
    }))!;

    for (let i = 0; i < 3; i++) expect((await chat(web.integration.id, web.apiKey, `question ${i}`)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await chat(app.integration.id, app.apiKey, `question ${i}`)).status).toBe(200);
    expect((await chat(theirs.integration.id, theirs.apiKey)).status).toBe(200);
    // A person owns one of the app's conversations: the next message is stored, relayed, and not charged.
    const [owned] = await h.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.integrationId, app.integration.id))
      .limit(1);
    await h.db.update(conversations).set({ status: "human_active" }).where(eq(conversations.id, owned!.id));
    const relayed = await handleChatRequest({
      integrationId: app.integration.id,
      req: new Request(`http://localhost/chat/custom/${app.integration.id}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": app.apiKey },
        body: JSON.stringify({ message: "are you there?", conversation_id: owned!.id }),
      }),
    });
    expect(relayed.status).toBe(200);
    expect(((await relayed.json()) as { handoff: boolean }).handoff).toBe(true);
    // A test-chat message without a reply (the bot's reply is what is charged, test chat included) does not count.
    const testConversation = newId("conv");
    await h.db
      .insert(conversations)
      .values({ id: testConversation, workspaceId: mine.workspace.id, botId: mine.bot.id, channel: "test" });
    await h.db
      .insert(messages)
      .values({ id: newId("msg"), conversationId: testConversation, role: "user", content: "test" });

    const stored = await h.db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(conversations.workspaceId, mine.workspace.id),
          eq(conversations.channel, "api"),
          eq(messages.role, "user"),
        ),
      );
    expect(stored[0]!.n).toBe(6); // six questions stored, five answered by the bot
    // The meter (the quota's own counter) and the counts from stored messages agree.
    expect((await getMonthlyUsage(h.db, mine.workspace.id)).used).toBe(5);
    expect(await chargedMessagesThisMonth(h.db, mine.workspace.id)).toBe(5);

    const daily = await dailyMessagesByIntegration(h.db, mine.workspace.id, 30);
    expect(daily.days).toHaveLength(30);
    const [today] = await queryRows<{ d: string }>(h.db, sql`select (app_now() at time zone 'UTC')::date::text as d`);
    expect(daily.days.at(-1)).toBe(today!.d);
    expect(daily.series.map((s) => [s.name, s.total, s.thisMonth, s.counts.at(-1)])).toEqual([
      ["Website", 3, 3, 3],
      ["Mobile app", 2, 2, 2],
    ]);
    expect(daily.series.every((s) => s.counts.slice(0, -1).every((n) => n === 0))).toBe(true);

    // The Integrations list shows the same count per integration.
    const listed = await listIntegrations(h.db, mine.workspace.id);
    expect(Object.fromEntries(listed.map((i) => [i.name, i.messagesThisMonth]))).toEqual({
      Website: 3,
      "Mobile app": 2,
    });
  });

  it("a workspace with no messages has an empty chart and a zero count", async () => {
    const empty = await createOwnedWorkspace(h.db, "empty");
    expect((await getMonthlyUsage(h.db, empty.workspace.id)).used).toBe(0);
    expect((await dailyMessagesByIntegration(h.db, empty.workspace.id, 30)).series).toEqual([]);
  });
});

describe("the dashboard's usage banner", () => {
  const render = (used: number, limit: number) =>
    renderToStaticMarkup(
      createElement(UsageBanner, { used, limit, resetsAt: new Date("2030-02-01T00:00:00Z"), canChangePlan: true }),
    );

  it("stays hidden below 80%, warns from 80%, and alerts at 100%", () => {
    expect(render(799, 1_000)).toBe("");
    const warning = render(800, 1_000);
    expect(warning).toContain('role="status"');
    expect(warning).toContain("80% of this month");
    const full = render(1_000, 1_000);
    expect(full).toContain('role="alert"');
    expect(full).toContain("used all 1,000 messages");
    expect(full).toContain("quota_exceeded");
    expect(render(0, 0)).toContain('role="alert"'); // a plan with no messages is always full
  });
});

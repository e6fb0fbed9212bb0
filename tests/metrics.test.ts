import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { invalidateApiAuth } from "@/db/queries/api-auth-cache";
import { insertSource } from "@/db/queries/knowledge";
import { createWebhook } from "@/db/queries/webhooks";
import { bots, webhookDeliveries } from "@/db/schema";
import { readiness, setDraining } from "@/lib/health";
import { setLogSink } from "@/lib/log";
import { metricsAccess, routeLabel } from "@/lib/metrics";
import { metricsResponse } from "@/lib/metrics-scrape";
import { createTenant, postChat, startApiServer, type ApiServer, type Tenant } from "./fixtures/api-server";
import { startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";
import { setEnv } from "./fixtures/env";
import { openTestDb, setDbClock } from "./db";

/**
 * GET /metrics (issue 13, operator signals): scraped before and after each kind of event, the metric
 * named for it moves. And the readiness the /readyz route answers with.
 */

let h: DbHandle;
let server: ApiServer;
let model: OpenAiServer;
let tenant: Tenant;
const TOKEN = "metrics-token-for-tests-0123";
let restoreEnv: () => void;

beforeAll(async () => {
  setLogSink(() => {});
  model = await startOpenAiServer();
  restoreEnv = setEnv({
    METRICS_TOKEN: TOKEN,
    LLM_BASE_URL: model.url,
    LLM_MODEL: "test-model",
    WEBHOOKS_ALLOW_PRIVATE: "1",
    PARLEY_PLAN_LIMITS: JSON.stringify({ core: { messagesPerMonth: 6, requestsPerMinute: 5 } }),
  });
  h = await openTestDb();
  tenant = await createTenant(h.db, { plan: "core" });
  server = await startApiServer();
});

afterAll(async () => {
  await server?.close();
  await h?.close();
  await model?.close();
  setLogSink(null);
  restoreEnv?.();
});

/** Scrapes /metrics as Prometheus would. */
async function scrape(): Promise<string> {
  const res = await metricsResponse(
    new Request("http://localhost/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }),
  );
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

/** A sample's value: the sum over series of `name` whose labels include `labels` (0 when none). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

const chat = (message: string, extra: Record<string, unknown> = {}) =>
  postChat(server.url, tenant.integrationId, tenant.apiKey, { message, ...extra });

describe("GET /metrics", () => {
  it("is off without METRICS_TOKEN and asks for the token when it is set", async () => {
    expect(metricsAccess(`Bearer ${TOKEN}`)).toBe("ok");
    expect(metricsAccess("Bearer wrong")).toBe("denied");
    expect(metricsAccess(null)).toBe("denied");
    expect((await metricsResponse(new Request("http://localhost/metrics"))).status).toBe(401);
    delete process.env.METRICS_TOKEN;
    try {
      expect(metricsAccess(`Bearer ${TOKEN}`)).toBe("off");
      expect((await metricsResponse(new Request("http://localhost/metrics"))).status).toBe(404);
    } finally {
      process.env.METRICS_TOKEN = TOKEN;
    }
  });

  it("moves each metric when its event happens", { timeout: 120_000 }, async () => {
    await createWebhook(h.db, {
      workspaceId: tenant.workspaceId,
      url: "http://127.0.0.1:9/hook",
      events: ["handoff.requested"],
      max: 10,
      actorUserId: tenant.userId,
    });
    const before = await scrape();
    const api = { channel: "api", route: "chat" };

    // Replies by engine and outcome, stage latencies, quota used on the workspace's plan.
    expect((await chat("What are your opening hours?")).status).toBe(200);
    expect((await chat("Do you sell submarine periscopes for llamas?")).status).toBe(200);
    // A handoff (and its webhook waiting in the outbox).
    const handoff = await chat("Can I talk to a human please?");
    expect(handoff.body.handoff).toBe(true);
    // A failed model: a 500 with its code, and the quota given back.
    await h.db.update(bots).set({ engine: "llm" }).where(eq(bots.id, tenant.botId));
    invalidateApiAuth(tenant.integrationId);
    model.setMode("fail");
    expect((await chat("hello")).status).toBe(500);
    model.setMode("ok");
    await h.db.update(bots).set({ engine: "builtin" }).where(eq(bots.id, tenant.botId));
    invalidateApiAuth(tenant.integrationId);
    // Refusals: a missing key, then the rate limit (5 a minute, on a clock that stands still).
    expect((await postChat(server.url, tenant.integrationId, null, { message: "hi" })).status).toBe(401);
    await setDbClock(h, new Date(Date.now() + 3_600_000));
    try {
      const burst = await Promise.all(Array.from({ length: 7 }, () => chat("hi")));
      expect(burst.some((r) => r.body?.error?.code === "rate_limited")).toBe(true);
    } finally {
      await setDbClock(h, null);
    }
    // An import waiting, and a webhook delivery given up.
    await insertSource(h.db, {
      workspaceId: tenant.workspaceId,
      botId: tenant.botId,
      kind: "text",
      title: "Waiting",
      input: "Queued text.",
    });
    await h.db
      .update(webhookDeliveries)
      .set({ status: "failed" })
      .where(sql`id = (select min(id) from webhook_deliveries)`);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      value(after, name, labels) - value(before, name, labels);

    expect(moved("parley_chat_requests_total", { ...api, status: "200", code: "" })).toBeGreaterThanOrEqual(3);
    expect(moved("parley_chat_requests_total", { ...api, status: "500", code: "generation_failed" })).toBe(1);
    expect(moved("parley_chat_requests_total", { ...api, status: "401", code: "missing_api_key" })).toBe(1);
    expect(moved("parley_chat_requests_total", { ...api, status: "429", code: "rate_limited" })).toBeGreaterThanOrEqual(
      1,
    );
    expect(moved("parley_chat_request_duration_seconds_count", api)).toBeGreaterThanOrEqual(7);
    expect(moved("parley_chat_stage_duration_seconds_count", { stage: "admission" })).toBeGreaterThanOrEqual(4);
    expect(moved("parley_chat_stage_duration_seconds_count", { stage: "retrieval" })).toBeGreaterThanOrEqual(2);
    expect(moved("parley_chat_stage_duration_seconds_count", { stage: "generation" })).toBeGreaterThanOrEqual(2);
    expect(moved("parley_chat_replies_total", { engine: "builtin", outcome: "answer" })).toBeGreaterThanOrEqual(1);
    expect(moved("parley_chat_replies_total", { engine: "builtin", outcome: "fallback" })).toBeGreaterThanOrEqual(1);
    expect(moved("parley_chat_replies_total", { engine: "handoff", outcome: "handoff" })).toBe(1);
    expect(moved("parley_handoffs_total")).toBe(1);
    expect(moved("parley_quota_refunds_total", { how: "at_once" })).toBeGreaterThanOrEqual(1);
    expect(moved("parley_quota_used_messages", { plan: "core" })).toBeGreaterThanOrEqual(3);
    expect(moved("parley_import_queue_depth")).toBe(1);
    expect(value(after, "parley_import_queue_oldest_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(moved("parley_webhook_failed_deliveries")).toBe(1);
    expect(value(after, "parley_db_up")).toBe(1);
    expect(value(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });

  it("labels routes with bounded values", () => {
    expect(routeLabel("/chat/custom/int_abc")).toBe("/chat/custom/:id");
    expect(routeLabel("/chat/custom/int_abc/conversations/conv_x/messages")).toBe(
      "/chat/custom/:id/conversations/:id/messages",
    );
    expect(routeLabel("/chat/widget/int_abc/session")).toBe("/chat/widget/:id/session");
    expect(routeLabel("/chat/custom/int_abc/users/customer-42")).toBe("/chat/custom/:id/users/:id");
    expect(routeLabel("/bots/bot_0123456789012345678901/settings")).toBe("/bots/:id/settings");
    expect(routeLabel("/_next/static/chunks/abc.js")).toBe("/_next/static");
    expect(routeLabel("/wp-admin/setup.php")).toBe("other");
  });
});

describe("GET /readyz", () => {
  it("is ready with the database reachable and every migration applied, and not while draining", async () => {
    expect(await readiness()).toMatchObject({ status: "ok", checks: { database: "ok", migrations: "ok" } });
    setDraining(true);
    try {
      expect(await readiness()).toMatchObject({ status: "unavailable", checks: { server: "draining" } });
    } finally {
      setDraining(false);
    }
  });
});

/**
 * Plans: a change applies to the very next Chat API request (the API reads the plan on every
 * request), a downgrade below this month's usage makes the next request quota_exceeded, and every
 * change is audited. Limits are made small with PARLEY_PLAN_LIMITS, as an operator would.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { getWorkspace } from "@/db/queries/workspaces";
import { auditLog } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { changePlanAction } from "@/app/(dashboard)/settings/actions";
import { requestPlanChange } from "@/lib/billing";
import { DEFAULT_PLAN_LIMITS, planLimits } from "@/lib/plans";
import { getMonthlyUsage } from "@/db/queries/usage";
import { openTestDb } from "./db";
import { chat, signInAs } from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);

let h: DbHandle;
let demo: Awaited<ReturnType<typeof seedDemo>>;
let ownerId: string;
const saved = { limits: process.env.PARLEY_PLAN_LIMITS, log: process.env.PARLEY_LOG };

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  process.env.PARLEY_PLAN_LIMITS = JSON.stringify({
    starter: { messagesPerMonth: 3, requestsPerMinute: 1_000 },
    core: { messagesPerMonth: 5, requestsPerMinute: 1_001 },
    pro: { messagesPerMonth: 10, requestsPerMinute: 1_002 },
  });
  h = await openTestDb();
  demo = await seedDemo(h.db, { baseUrl: "http://localhost:3000" });
  ownerId = (await h.db.query.memberships.findFirst({ where: (m, { eq }) => eq(m.workspaceId, demo.workspaceId) }))!
    .userId;
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

const send = () => chat(demo.integrationId!, demo.apiKey!);

describe("plan limits", () => {
  it("are the defaults of API.md unless the operator overrides them", () => {
    expect(DEFAULT_PLAN_LIMITS).toEqual({
      starter: { messagesPerMonth: 1_000, requestsPerMinute: 20 },
      core: { messagesPerMonth: 5_000, requestsPerMinute: 60 },
      pro: { messagesPerMonth: 25_000, requestsPerMinute: 120 },
      scale: { messagesPerMonth: 100_000, requestsPerMinute: 600 },
    });
    expect(planLimits("starter")).toEqual({ messagesPerMonth: 3, requestsPerMinute: 1_000 });
    expect(planLimits("scale")).toEqual(DEFAULT_PLAN_LIMITS.scale); // not overridden: the default stays
  });
});

describe("a plan change takes effect on the next API request", () => {
  it("the rate limit follows the plan at once", async () => {
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit")).toBe("1000");

    signInAs(ownerId, demo.workspaceId);
    const form = new FormData();
    form.set("plan", "core");
    expect(await changePlanAction({ status: "idle" }, form)).toMatchObject({ status: "saved" });
    expect((await getWorkspace(h.db, demo.workspaceId))!.plan).toBe("core");

    const next = await send();
    expect(next.status).toBe(200);
    expect(next.headers.get("x-ratelimit-limit")).toBe("1001");
  });

  it("the quota follows the plan: used up, upgraded, downgraded below usage", async () => {
    // core allows 5 a month; 2 are used
    expect((await getMonthlyUsage(h.db, demo.workspaceId)).used).toBe(2);
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("quota_exceeded");

    await requestPlanChange(h.db, { workspaceId: demo.workspaceId, actorUserId: ownerId, plan: "pro" });
    const upgraded = await send();
    expect(upgraded.status).toBe(200);
    expect(upgraded.headers.get("x-ratelimit-limit")).toBe("1002");
    expect((await getMonthlyUsage(h.db, demo.workspaceId)).used).toBe(6);

    // starter allows 3: with 6 used, the very next request is refused
    await requestPlanChange(h.db, { workspaceId: demo.workspaceId, actorUserId: ownerId, plan: "starter" });
    const downgraded = await send();
    expect(downgraded.status).toBe(429);
    expect(downgraded.body.error?.code).toBe("quota_exceeded");
    expect((await getMonthlyUsage(h.db, demo.workspaceId)).used).toBe(6); // a refused request spends nothing
  });

  it("every change is in the audit log with the plan before and after; choosing the current plan changes nothing", async () => {
    expect(
      await requestPlanChange(h.db, { workspaceId: demo.workspaceId, actorUserId: ownerId, plan: "starter" }),
    ).toEqual({ ok: true, changed: false });
    const rows = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, demo.workspaceId), eq(auditLog.action, "workspace.plan_changed")))
      .orderBy(auditLog.id);
    expect(rows.map((r) => [r.actorUserId, r.before, r.after])).toEqual([
      [ownerId, { plan: "starter" }, { plan: "core" }],
      [ownerId, { plan: "core" }, { plan: "pro" }],
      [ownerId, { plan: "pro" }, { plan: "starter" }],
    ]);
  });
});

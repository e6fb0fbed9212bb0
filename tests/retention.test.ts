/**
 * Retention per workspace (issue 15): off by default; when on, the background work deletes exactly
 * the conversations whose last message is older than the workspace's days (to the microsecond, on the
 * database clock), with their messages and the webhook delivery log of that age, once a day per
 * workspace however many workers run it, writing each run to the audit log. Set in Settings by owners
 * and admins, with bad input refused and kept.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { listAuditEntries } from "@/db/queries/audit";
import { getRetentionDays, setRetentionDays } from "@/db/queries/retention";
import { auditLog, conversations, messages, webhookDeliveries, webhooks, workspaces } from "@/db/schema";
import { setRetentionAction } from "@/app/(dashboard)/settings/actions";
import { auditChangesText } from "@/lib/audit";
import { newId } from "@/lib/ids";
import { runDueRetention, startRetentionWorker } from "@/lib/retention";
import { idleForm } from "@/lib/validations/form";
import { openTestDb, setDbClock } from "./db";
import { addMember, createOwnedWorkspace, createUser, signInAs } from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);

let h: DbHandle;

beforeAll(async () => {
  h = await openTestDb();
});
afterEach(async () => {
  await setDbClock(h, null);
});
afterAll(async () => {
  await h?.close();
});

const T0 = new Date("2027-06-15T12:00:00.000Z");
const DAY = 86_400_000;

type Ws = Awaited<ReturnType<typeof createOwnedWorkspace>>;

/** A conversation whose last message was at `lastAt` (an ISO time with up to microseconds), with two messages. */
async function conversationAt(ws: Ws, lastAt: string) {
  const id = newId("conv");
  await h.db.insert(conversations).values({
    id,
    workspaceId: ws.workspace.id,
    botId: ws.bot.id,
    channel: "api",
    lastMessageAt: sql`${lastAt}::timestamptz`,
  });
  await h.db.insert(messages).values([
    { id: newId("msg"), conversationId: id, role: "user", content: "Hello" },
    { id: newId("msg"), conversationId: id, role: "assistant", content: "Hi!" },
  ]);
  return id;
}

const remaining = async (ids: string[]) =>
  (await h.db.select({ id: conversations.id }).from(conversations).where(inArray(conversations.id, ids)))
    .map((r) => r.id)
    .sort();

const runs = (workspaceId: string) =>
  h.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, "retention.applied")))
    .orderBy(auditLog.id);

describe("retention runs", () => {
  it("deletes exactly the conversations last active before the cutoff, and nothing of workspaces without retention", async () => {
    const ws = await createOwnedWorkspace(h.db, "keep30");
    const off = await createOwnedWorkspace(h.db, "off");
    await setRetentionDays(h.db, { workspaceId: ws.workspace.id, days: 30, actorUserId: ws.owner.id });
    // The cutoff is T0 − 30 × 24 h = 2027-05-16T12:00:00Z.
    const older = [
      await conversationAt(ws, "2027-05-16T11:59:59.999999Z"), // one microsecond before
      await conversationAt(ws, "2026-01-01T00:00:00Z"),
    ];
    const kept = [
      await conversationAt(ws, "2027-05-16T12:00:00Z"), // exactly at the cutoff: not older
      await conversationAt(ws, "2027-05-16T12:00:00.000001Z"),
      await conversationAt(ws, "2027-06-15T11:00:00Z"),
    ];
    const untouched = [await conversationAt(off, "2020-01-01T00:00:00Z")];
    await h.db.insert(webhooks).values({
      id: newId("wh"),
      workspaceId: ws.workspace.id,
      url: "https://hooks.example.com/x",
      secret: "s",
      events: ["message.created"],
    });
    const [hook] = await h.db.select().from(webhooks).where(eq(webhooks.workspaceId, ws.workspace.id));
    const delivery = (status: "delivered" | "failed" | "pending", createdAt: string) => ({
      webhookId: hook!.id,
      workspaceId: ws.workspace.id,
      eventId: newId("evt"),
      event: "message.created",
      payload: {},
      status,
      createdAt: sql`${createdAt}::timestamptz`,
    });
    await h.db.insert(webhookDeliveries).values([
      delivery("delivered", "2027-05-01T00:00:00Z"),
      delivery("failed", "2027-05-01T00:00:00Z"),
      delivery("pending", "2027-05-01T00:00:00Z"), // still to be sent: never dropped
      delivery("delivered", "2027-06-01T00:00:00Z"),
    ]);

    await setDbClock(h, T0);
    const done = await runDueRetention(h.db);
    expect(done.filter((d) => d.workspaceId === ws.workspace.id)).toEqual([
      { workspaceId: ws.workspace.id, conversations: 2, messages: 4, webhookDeliveries: 2 },
    ]);
    expect(done.some((d) => d.workspaceId === off.workspace.id)).toBe(false);
    expect(await remaining([...older, ...kept])).toEqual([...kept].sort());
    expect(await remaining(untouched)).toEqual(untouched);
    expect(await h.db.$count(messages, inArray(messages.conversationId, older))).toBe(0);
    expect(await h.db.$count(messages, inArray(messages.conversationId, kept))).toBe(6);
    expect(
      (await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook!.id)))
        .map((d) => `${d.status} ${d.createdAt.toISOString().slice(0, 10)}`)
        .sort(),
    ).toEqual(["delivered 2027-06-01", "pending 2027-05-01"]);

    const [run] = await runs(ws.workspace.id);
    expect(run).toMatchObject({
      actorUserId: null,
      targetType: "workspace",
      after: {
        retentionDays: 30,
        cutoff: "2027-05-16T12:00:00.000000Z",
        conversations: 2,
        messages: 4,
        webhookDeliveries: 2,
      },
    });
    expect(await runs(off.workspace.id)).toEqual([]);
  });

  it("runs a workspace once a day, writes every run to the audit log, and a shorter setting applies at once", async () => {
    const ws = await createOwnedWorkspace(h.db, "daily");
    await setRetentionDays(h.db, { workspaceId: ws.workspace.id, days: 10, actorUserId: ws.owner.id });
    await setDbClock(h, T0);
    await runDueRetention(h.db);
    const a = await conversationAt(ws, new Date(T0.getTime() - 11 * DAY).toISOString());
    const b = await conversationAt(ws, new Date(T0.getTime() - 5 * DAY).toISOString());

    await setDbClock(h, new Date(T0.getTime() + DAY - 1000));
    await runDueRetention(h.db); // ran less than a day ago: not again
    expect(await runs(ws.workspace.id)).toHaveLength(1);
    expect(await remaining([a, b])).toEqual([a, b].sort());

    await setDbClock(h, new Date(T0.getTime() + DAY));
    await runDueRetention(h.db);
    expect((await runs(ws.workspace.id)).map((r) => (r.after as { conversations: number }).conversations)).toEqual([
      0, 1,
    ]);
    expect(await remaining([a, b])).toEqual([b]);

    // Shorter retention: the next run comes at once, not a day later.
    await setRetentionDays(h.db, { workspaceId: ws.workspace.id, days: 2, actorUserId: ws.owner.id });
    await runDueRetention(h.db);
    expect(await remaining([b])).toEqual([]);
    expect(await runs(ws.workspace.id)).toHaveLength(3);
  });

  it("two workers running at once run each workspace once", async () => {
    const ws = await createOwnedWorkspace(h.db, "race");
    await setRetentionDays(h.db, { workspaceId: ws.workspace.id, days: 1, actorUserId: ws.owner.id });
    const old = await Promise.all(Array.from({ length: 5 }, () => conversationAt(ws, "2027-01-01T00:00:00Z")));
    await setDbClock(h, T0);
    const [one, two] = await Promise.all([runDueRetention(h.db), runDueRetention(h.db)]);
    const mine = [...one!, ...two!].filter((d) => d.workspaceId === ws.workspace.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.conversations).toBe(5);
    expect(await remaining(old)).toEqual([]);
    expect(await runs(ws.workspace.id)).toHaveLength(1);
  });

  it("the background loop runs what is due by itself", async () => {
    const ws = await createOwnedWorkspace(h.db, "loop");
    await setRetentionDays(h.db, { workspaceId: ws.workspace.id, days: 3, actorUserId: ws.owner.id });
    const old = await conversationAt(ws, "2000-01-01T00:00:00Z");
    const stop = startRetentionWorker({ getDb: async () => h.db, pollMs: 20 });
    try {
      for (let i = 0; i < 200 && (await runs(ws.workspace.id)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
    } finally {
      await stop();
    }
    expect(await remaining([old])).toEqual([]);
    expect(await runs(ws.workspace.id)).toHaveLength(1);
  });
});

describe("retention setting", () => {
  it("is off by default; owners and admins set it with an audit entry; bad input is refused and kept", async () => {
    const ws = await createOwnedWorkspace(h.db, "setting");
    expect(await getRetentionDays(h.db, ws.workspace.id)).toBeNull();
    const form = (days: string) => {
      const f = new FormData();
      f.set("days", days);
      return f;
    };
    signInAs(ws.owner.id, ws.workspace.id);
    for (const bad of ["0", "-5", "3651", "1.5", "ten", "30 days", "1e3"]) {
      const result = await setRetentionAction(idleForm, form(bad));
      expect(result, bad).toMatchObject({ status: "error", values: { days: bad } });
      expect(result.fieldErrors?.days?.[0], bad).toMatch(/whole number of days from 1 to 3,650/);
    }
    expect(await getRetentionDays(h.db, ws.workspace.id)).toBeNull();

    expect(await setRetentionAction(idleForm, form(" 90 "))).toMatchObject({ status: "saved", values: { days: "90" } });
    expect(await getRetentionDays(h.db, ws.workspace.id)).toBe(90);
    expect(await setRetentionAction(idleForm, form(""))).toMatchObject({ status: "saved" });
    expect(await getRetentionDays(h.db, ws.workspace.id)).toBeNull();

    for (const role of ["member", "viewer"] as const) {
      const person = await createUser(h.db, role);
      await addMember(h.db, ws.workspace.id, person.id, role);
      signInAs(person.id, ws.workspace.id);
      expect(await setRetentionAction(idleForm, form("7"))).toMatchObject({ status: "error", code: "forbidden" });
    }
    expect(await getRetentionDays(h.db, ws.workspace.id)).toBeNull();
    const admin = await createUser(h.db, "admin");
    await addMember(h.db, ws.workspace.id, admin.id, "admin");
    signInAs(admin.id, ws.workspace.id);
    expect(await setRetentionAction(idleForm, form("7"))).toMatchObject({ status: "saved" });

    const entries = await listAuditEntries(h.db, {
      workspaceId: ws.workspace.id,
      actionPrefixes: ["workspace.retention"],
      limit: 10,
    });
    expect(entries.map((e) => auditChangesText(e.before, e.after))).toEqual([
      "Retention days: off (kept) → 7 days",
      "Retention days: 90 days → off (kept)",
      "Retention days: off (kept) → 90 days",
    ]);
    const [row] = await h.db.select().from(workspaces).where(eq(workspaces.id, ws.workspace.id));
    expect(row!.retentionDays).toBe(7);
  });
});

/**
 * Webhook delivery from the Postgres outbox: signed requests checked by a real local receiver with
 * verifyWebhookSignature, retries with back-off computed from the injected clock, order per
 * conversation, at-least-once across a "crash" (an expired lease is reclaimed), exclusive claims
 * under concurrency, private addresses refused, and the dashboard queries scoped by workspace.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import {
  createWebhook,
  deleteWebhook,
  enqueueTestEvent,
  enqueueWebhookEvent,
  getWebhookSecret,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  rotateWebhookSecret,
  setWebhookEnabled,
  TEST_EVENT,
  updateWebhook,
} from "@/db/queries/webhooks";
import { auditLog, bots, conversations, webhookDeliveries, webhooks } from "@/db/schema";
import { replyAsTeamMember, requestHandoff } from "@/db/queries/handoff";
import { newId } from "@/lib/ids";
import { checkWebhookTarget, deliverDueWebhooks, MAX_ATTEMPTS, retryDelaySeconds } from "@/lib/webhooks/deliver";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { signWebhookPayload, verifyWebhookSignature } from "@/lib/webhooks/sign";
import { WEBHOOK_EVENT_OPTIONS, webhookSchema } from "@/lib/validations/webhooks";
import { openTestDb } from "./db";

// ── A receiver on 127.0.0.1 ─────────────────────────────────────────────────

type Received = {
  headers: IncomingMessage["headers"];
  raw: string;
  body: { id: string; type: string; data: Record<string, unknown> };
  verified: boolean;
};
type Reply = number | "hang";

/** Records every request, checks its signature with the webhook's secret, and answers from a script (default 200). */
class Receiver {
  server!: Server;
  url = "";
  secret = "";
  received: Received[] = [];
  script: Reply[] = [];

  async start() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const verified = verifyWebhookSignature(this.secret, req.headers["parley-signature"] as string, raw, {
          toleranceSeconds: 300,
        }).ok;
        this.received.push({ headers: req.headers, raw, body: JSON.parse(raw), verified });
        const reply = this.script.shift() ?? 200;
        if (reply === "hang") return; // never answers
        res
          .writeHead(reply, { "content-type": "text/plain" })
          .end(reply >= 300 && reply < 400 ? "" : `status ${reply}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }
  reset(secret: string) {
    this.secret = secret;
    this.received = [];
    this.script = [];
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ── Fixtures ────────────────────────────────────────────────────────────────

let h: DbHandle;
const receiver = new Receiver();
let ws: { workspaceId: string; userId: string; botId: string };
let other: { workspaceId: string; userId: string; botId: string };
const savedAllow = process.env.WEBHOOKS_ALLOW_PRIVATE;

async function makeWorkspace(label: string) {
  const made = await createUserWithWorkspace(h.db, {
    email: `${label}-${newId("usr").slice(4, 12).toLowerCase()}@example.com`,
    name: label,
    passwordHash: "x",
    workspaceName: label,
  });
  const [bot] = await h.db
    .insert(bots)
    .values({ id: newId("bot"), workspaceId: made!.workspace.id, name: `${label} bot` })
    .returning();
  return { workspaceId: made!.workspace.id, userId: made!.user.id, botId: bot!.id };
}

async function newConversation(scope = ws) {
  const id = newId("conv");
  await h.db
    .insert(conversations)
    .values({ id, workspaceId: scope.workspaceId, botId: scope.botId, channel: "api", externalUserId: "user_1" });
  return id;
}

/** A webhook of `ws` pointing at the receiver, subscribed to everything; the receiver checks its secret. */
async function hook(events: string[] = [...WEBHOOK_EVENTS]) {
  const made = (await createWebhook(h.db, {
    workspaceId: ws.workspaceId,
    url: receiver.url,
    events,
    max: 100,
    actorUserId: ws.userId,
  }))!;
  receiver.reset(made.secret);
  return made.webhook;
}

async function deliveries(webhookId: string) {
  return h.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(webhookDeliveries.id);
}

/** A clock a little ahead of the database's, so rows inserted just now are due. */
const start = () => new Date(Date.now() + 1000);
const later = (t: Date, seconds: number) => new Date(t.getTime() + seconds * 1000);

beforeAll(async () => {
  process.env.WEBHOOKS_ALLOW_PRIVATE = "1"; // the receiver listens on 127.0.0.1
  h = await openTestDb();
  await receiver.start();
  ws = await makeWorkspace("hooks");
  other = await makeWorkspace("other");
});
afterAll(async () => {
  await receiver.stop();
  await h?.close();
  if (savedAllow === undefined) delete process.env.WEBHOOKS_ALLOW_PRIVATE;
  else process.env.WEBHOOKS_ALLOW_PRIVATE = savedAllow;
});
// Each test starts with no webhooks (their deliveries go with them).
beforeEach(async () => {
  await h.db.delete(webhooks);
});
afterEach(() => {
  receiver.script = [];
});

// ── Signatures ──────────────────────────────────────────────────────────────

describe("signatures", () => {
  it("a real delivery carries the documented headers and a signature the receiver verifies", async () => {
    const w = await hook();
    const conversationId = await newConversation();
    await enqueueWebhookEvent(h.db, {
      workspaceId: ws.workspaceId,
      event: "lead.created",
      orderingKey: conversationId,
      payload: { lead_id: "lead_x", email: "ada@example.com" },
    });

    const run = await deliverDueWebhooks(h.db, { now: start() });
    expect(run).toEqual({ claimed: 1, delivered: 1, retried: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.verified).toBe(true);
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["parley-event"]).toBe("lead.created");
    expect(got!.headers["parley-signature"]).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(got!.body).toMatchObject({
      type: "lead.created",
      workspace_id: ws.workspaceId,
      data: { lead_id: "lead_x", email: "ada@example.com" },
    });
    expect(got!.headers["parley-delivery"]).toBe(got!.body.id);
    expect(Object.keys(got!.body)).toEqual(["id", "type", "created_at", "workspace_id", "data"]);

    const [row] = await deliveries(w.id);
    expect(row).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      lockedUntil: null,
    });
    expect(row!.eventId).toBe(got!.body.id);
  });

  it("verifyWebhookSignature rejects a changed body, another secret, an old timestamp and junk headers", () => {
    const body = JSON.stringify({ id: "evt_1", type: "lead.created", data: { email: "ada@example.com" } });
    const now = Date.now();
    const t = Math.floor(now / 1000);
    const header = signWebhookPayload("whsec_right", body, t);
    expect(verifyWebhookSignature("whsec_right", header, body, { now })).toEqual({ ok: true, timestamp: t });
    expect(verifyWebhookSignature("whsec_right", header, Buffer.from(body), { now }).ok).toBe(true);
    expect(verifyWebhookSignature("whsec_right", header, body.replace("ada", "eve"), { now }).ok).toBe(false);
    expect(verifyWebhookSignature("whsec_wrong", header, body, { now }).ok).toBe(false);
    expect(verifyWebhookSignature("whsec_right", header, body, { now: now + 301_000, toleranceSeconds: 300 })).toEqual({
      ok: false,
      reason: "timestamp outside the tolerance",
    });
    expect(verifyWebhookSignature("whsec_right", header, body, { now: now + 301_000, toleranceSeconds: 0 }).ok).toBe(
      true,
    );
    // A rotated-secret receiver may see several v1 values; any match is enough.
    const second = signWebhookPayload("whsec_other", body, t).split(",v1=")[1];
    expect(verifyWebhookSignature("whsec_other", `${header},v1=${second}`, body, { now }).ok).toBe(true);
    for (const bad of [null, "", "v1=abc", `t=${t}`, `t=${t},v1=zz`, "garbage", `t=abc,v1=${"0".repeat(64)}`]) {
      expect(verifyWebhookSignature("whsec_right", bad, body, { now }).ok).toBe(false);
    }
  });

  it("signs with the current secret after a rotation, retries included", async () => {
    const w = await hook();
    receiver.script = [500];
    await enqueueWebhookEvent(h.db, {
      workspaceId: ws.workspaceId,
      event: "handoff.requested",
      payload: { conversation_id: "conv_x" },
    });
    const t0 = start();
    await deliverDueWebhooks(h.db, { now: t0 });
    const rotated = (await rotateWebhookSecret(h.db, {
      workspaceId: ws.workspaceId,
      webhookId: w.id,
      actorUserId: ws.userId,
    }))!;
    const oldSecret = receiver.secret;
    await deliverDueWebhooks(h.db, { now: later(t0, 10) });
    const checks = receiver.received.map((r) =>
      [oldSecret, rotated.secret].map(
        (secret) => verifyWebhookSignature(secret, r.headers["parley-signature"] as string, r.raw).ok,
      ),
    );
    expect(checks).toEqual([
      [true, false], // before the rotation: the old secret
      [false, true], // the retry after it: the new one
    ]);
    expect(receiver.received[0]!.headers["parley-delivery"]).toBe(receiver.received[1]!.headers["parley-delivery"]);
  });
});

// ── Retries ─────────────────────────────────────────────────────────────────

describe("retries", () => {
  it("500, 500, then 200: delivered after 3 attempts, waiting 10 s and then 30 s from the injected clock", async () => {
    const w = await hook();
    receiver.script = [500, 500, 200];
    await enqueueWebhookEvent(h.db, {
      workspaceId: ws.workspaceId,
      event: "lead.created",
      payload: { lead_id: "lead_1" },
    });
    const t0 = start();

    expect(await deliverDueWebhooks(h.db, { now: t0 })).toMatchObject({ claimed: 1, retried: 1 });
    let [row] = await deliveries(w.id);
    expect(row).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: 500,
      lastError: "HTTP 500: status 500",
      lockedUntil: null,
    });
    expect(row!.nextAttemptAt.getTime()).toBe(later(t0, 10).getTime());

    expect(await deliverDueWebhooks(h.db, { now: later(t0, 9) })).toMatchObject({ claimed: 0 }); // not yet due
    expect(await deliverDueWebhooks(h.db, { now: later(t0, 10) })).toMatchObject({ claimed: 1, retried: 1 });
    [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "pending", attempts: 2 });
    expect(row!.nextAttemptAt.getTime()).toBe(later(t0, 40).getTime());

    expect(await deliverDueWebhooks(h.db, { now: later(t0, 39) })).toMatchObject({ claimed: 0 });
    expect(await deliverDueWebhooks(h.db, { now: later(t0, 40) })).toMatchObject({ claimed: 1, delivered: 1 });
    [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200, lastError: null });
    expect(row!.deliveredAt!.getTime()).toBe(later(t0, 40).getTime());
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(new Set(receiver.received.map((r) => r.body.id)).size).toBe(1); // the same event each time
  });

  it("the back-off schedule grows to hours, and the delivery fails after the last attempt", async () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelaySeconds)).toEqual([10, 30, 120, 600, 3600, 7200]);
    const w = await hook();
    await enqueueWebhookEvent(h.db, { workspaceId: ws.workspaceId, event: "lead.created", payload: {} });
    await h.db
      .update(webhookDeliveries)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(webhookDeliveries.webhookId, w.id));
    receiver.script = [503];
    expect(await deliverDueWebhooks(h.db, { now: start() })).toMatchObject({ claimed: 1, failed: 1 });
    const [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastStatusCode: 503 });
    expect(await deliverDueWebhooks(h.db, { now: later(start(), 86_400 * 7) })).toMatchObject({ claimed: 0 }); // never again by itself

    // "Send again" from the log: a fresh set of attempts.
    expect(await retryDelivery(h.db, { workspaceId: other.workspaceId, deliveryId: row!.id })).toBe(false);
    expect(await retryDelivery(h.db, { workspaceId: ws.workspaceId, deliveryId: row!.id })).toBe(true);
    expect(await deliverDueWebhooks(h.db, { now: start() })).toMatchObject({ delivered: 1 });
  });

  it("a redirect is not followed, a silent receiver times out, a closed port is an error: all retried", async () => {
    const w = await hook();
    receiver.script = [302, "hang"];
    await enqueueWebhookEvent(h.db, { workspaceId: ws.workspaceId, event: "lead.created", payload: {} });
    const t0 = start();
    await deliverDueWebhooks(h.db, { now: t0 });
    let [row] = await deliveries(w.id);
    expect(row).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: 302,
      lastError: "HTTP 302 (redirects are not followed)",
    });

    await deliverDueWebhooks(h.db, { now: later(t0, 10), timeoutMs: 200 });
    [row] = await deliveries(w.id);
    expect(row).toMatchObject({
      status: "pending",
      attempts: 2,
      lastStatusCode: null,
      lastError: "No response within 0.2 s.",
    });

    await h.db.update(webhooks).set({ url: "http://127.0.0.1:9/hooks" }).where(eq(webhooks.id, w.id)); // discard port: nothing listens
    await deliverDueWebhooks(h.db, { now: later(t0, 40) });
    [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "pending", attempts: 3, lastStatusCode: null });
    expect(row!.lastError).toMatch(/127\.0\.0\.1 (refused the connection|could not be reached)/);
  });
});

// ── Order ───────────────────────────────────────────────────────────────────

describe("order per conversation", () => {
  it("the second event of a conversation is not sent before the first is delivered; other conversations are not held up", async () => {
    const w = await hook(["handoff.requested", "message.created"]); // the reply's handoff.accepted is tested in handoff-events
    const convA = await newConversation();
    const convB = await newConversation();
    // handoff.requested then the team's reply (message.created) for A, through the real transitions.
    expect(
      await requestHandoff(h.db, { workspaceId: ws.workspaceId, conversationId: convA, reason: "user_request" }),
    ).toBe(true);
    expect(
      await replyAsTeamMember(h.db, {
        workspaceId: ws.workspaceId,
        conversationId: convA,
        userId: ws.userId,
        content: "Hi, Sam here.",
      }),
    ).not.toBeNull();
    expect(
      await requestHandoff(h.db, { workspaceId: ws.workspaceId, conversationId: convB, reason: "user_request" }),
    ).toBe(true);
    const queued = await deliveries(w.id);
    expect(queued.map((d) => [d.event, d.orderingKey])).toEqual([
      ["handoff.requested", convA],
      ["message.created", convA],
      ["handoff.requested", convB],
    ]);

    // A's first event fails; B's goes out; A's second waits.
    receiver.script = [500, 200];
    const t0 = start();
    expect(await deliverDueWebhooks(h.db, { now: t0 })).toMatchObject({ claimed: 2, delivered: 1, retried: 1 });
    expect(receiver.received.map((r) => [r.body.type, r.body.data.conversation_id])).toEqual(
      expect.arrayContaining([
        ["handoff.requested", convA],
        ["handoff.requested", convB],
      ]),
    );
    expect(receiver.received).toHaveLength(2);

    // Even when A's second event is due, nothing of A goes out until the first's retry time.
    expect(await deliverDueWebhooks(h.db, { now: later(t0, 5) })).toMatchObject({ claimed: 0 });
    expect(await deliverDueWebhooks(h.db, { now: later(t0, 10) })).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await deliverDueWebhooks(h.db, { now: later(t0, 10) })).toMatchObject({ claimed: 1, delivered: 1 });

    const forA = receiver.received.filter((r) => r.body.data.conversation_id === convA).map((r) => r.body.type);
    expect(forA).toEqual(["handoff.requested", "handoff.requested", "message.created"]);
    expect((await deliveries(w.id)).every((d) => d.status === "delivered")).toBe(true);
  });

  it("a delivery given up as failed stops holding up the conversation's later events", async () => {
    const w = await hook();
    const conv = await newConversation();
    await enqueueWebhookEvent(h.db, {
      workspaceId: ws.workspaceId,
      event: "handoff.requested",
      orderingKey: conv,
      payload: { n: 1 },
    });
    await enqueueWebhookEvent(h.db, {
      workspaceId: ws.workspaceId,
      event: "message.created",
      orderingKey: conv,
      payload: { n: 2 },
    });
    const [first] = await deliveries(w.id);
    await h.db
      .update(webhookDeliveries)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(webhookDeliveries.id, first!.id));
    receiver.script = [500];
    expect(await deliverDueWebhooks(h.db, { now: start() })).toMatchObject({ claimed: 1, failed: 1 });
    expect(await deliverDueWebhooks(h.db, { now: start() })).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.received.map((r) => r.body.data.n)).toEqual([1, 2]);
  });
});

// ── Restarts and concurrency ────────────────────────────────────────────────

describe("no loss across a restart", () => {
  it("a claim left behind by a crashed worker is reclaimed after its lease and delivered (at least once)", async () => {
    const w = await hook();
    await enqueueWebhookEvent(h.db, {
      workspaceId: ws.workspaceId,
      event: "lead.created",
      payload: { lead_id: "lead_crash" },
    });
    const t0 = start();

    // Worker 1 claims the delivery and "crashes" mid-request: its fetch never settles, nothing is recorded.
    let settle!: (r: Response) => void;
    const stuck = new Promise<Response>((resolve) => (settle = resolve));
    let sent = 0;
    const crashed = deliverDueWebhooks(h.db, {
      now: t0,
      leaseSeconds: 60,
      fetchImpl: (async () => (sent++, stuck)) as typeof fetch,
    });
    await expect.poll(() => sent).toBe(1);
    let [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lockedUntil!.getTime()).toBe(later(t0, 60).getTime());

    // A restarted worker leaves it alone while the lease holds, and takes it over after.
    expect(await deliverDueWebhooks(h.db, { now: later(t0, 59) })).toMatchObject({ claimed: 0 });
    expect(await deliverDueWebhooks(h.db, { now: later(t0, 61) })).toEqual({
      claimed: 1,
      delivered: 1,
      retried: 0,
      failed: 0,
    });
    [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.verified).toBe(true);

    // The first worker's late answer (here a failure) cannot overwrite the outcome: its claim was lost.
    settle(new Response("late", { status: 500 }));
    await crashed;
    [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200 });
  });

  it("concurrent workers send each delivery exactly once, and never two of one conversation at a time", async () => {
    const w = await hook();
    for (let i = 0; i < 12; i++)
      await enqueueWebhookEvent(h.db, {
        workspaceId: ws.workspaceId,
        event: "lead.created",
        orderingKey: `conv_${i}`,
        payload: { i },
      });
    const conv = await newConversation();
    for (let i = 0; i < 4; i++)
      await enqueueWebhookEvent(h.db, {
        workspaceId: ws.workspaceId,
        event: "message.created",
        orderingKey: conv,
        payload: { seq: i },
      });

    const t0 = start();
    const claimedBy = (runs: { claimed: number }[]) => runs.reduce((n, r) => n + r.claimed, 0);
    const seqs = () => receiver.received.filter((r) => r.body.type === "message.created").map((r) => r.body.data.seq);
    const runs = await Promise.all(Array.from({ length: 4 }, () => deliverDueWebhooks(h.db, { now: t0, limit: 20 })));
    // The 12 independent events at once, and the conversation's first; its next one only once the one before
    // it is delivered (a worker that starts its claim after that may already take it in this same round).
    let claimed = claimedBy(runs);
    expect(receiver.received.filter((r) => r.body.type === "lead.created")).toHaveLength(12);
    expect(seqs()).toEqual([0, 1, 2, 3].slice(0, claimed - 12));

    for (let round = 0; round < 6 && claimed < 16; round++)
      claimed += claimedBy(
        await Promise.all(Array.from({ length: 3 }, () => deliverDueWebhooks(h.db, { now: t0, limit: 20 }))),
      );
    expect(claimed).toBe(16);
    expect(new Set(receiver.received.map((r) => r.body.id)).size).toBe(16);
    expect(receiver.received).toHaveLength(16); // each once
    expect(seqs()).toEqual([0, 1, 2, 3]); // in order: never two of one conversation at a time
    expect((await deliveries(w.id)).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
  });
});

// ── Private addresses, disabled webhooks, subscriptions ─────────────────────

describe("what is sent where", () => {
  it("refuses a URL that resolves to a private, loopback or link-local address unless allowed", async () => {
    const w = await hook();
    await enqueueWebhookEvent(h.db, { workspaceId: ws.workspaceId, event: "lead.created", payload: {} });
    await deliverDueWebhooks(h.db, { now: start(), allowPrivate: false });
    const [row] = await deliveries(w.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
    expect(row!.lastError).toMatch(/^Refused: 127\.0\.0\.1 resolves to a loopback address/);
    expect(receiver.received).toHaveLength(0);

    for (const url of [
      "http://10.1.2.3/x",
      "http://192.168.0.10/x",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/x",
      "http://localhost:3000/x",
      "http://[::ffff:10.0.0.1]/x",
    ]) {
      const check = await checkWebhookTarget(url, false);
      expect(check.ok, url).toBe(false);
    }
    expect(await checkWebhookTarget("http://10.1.2.3/x", true)).toEqual({ ok: true });
    expect(await checkWebhookTarget("https://93.184.215.14/hooks", false)).toEqual({ ok: true });
  });

  it("only enabled webhooks subscribed to the event get it; a disabled webhook's queue waits until it is enabled", async () => {
    const all = await hook();
    const leadsOnly = (await createWebhook(h.db, {
      workspaceId: ws.workspaceId,
      url: receiver.url,
      events: ["lead.created"],
      max: 100,
      actorUserId: ws.userId,
    }))!.webhook;
    await createWebhook(h.db, {
      workspaceId: other.workspaceId,
      url: receiver.url,
      events: [...WEBHOOK_EVENTS],
      max: 100,
      actorUserId: other.userId,
    });
    await enqueueWebhookEvent(h.db, { workspaceId: ws.workspaceId, event: "handoff.requested", payload: {} });
    expect(await deliveries(all.id)).toHaveLength(1);
    expect(await deliveries(leadsOnly.id)).toHaveLength(0);
    expect(await h.db.$count(webhookDeliveries, eq(webhookDeliveries.workspaceId, other.workspaceId))).toBe(0);

    await setWebhookEnabled(h.db, {
      workspaceId: ws.workspaceId,
      webhookId: all.id,
      actorUserId: ws.userId,
      enabled: false,
    });
    await enqueueWebhookEvent(h.db, { workspaceId: ws.workspaceId, event: "handoff.requested", payload: {} });
    expect(await deliveries(all.id)).toHaveLength(1); // nothing new queued while disabled
    expect(await deliverDueWebhooks(h.db, { now: start() })).toMatchObject({ claimed: 0 });
    await setWebhookEnabled(h.db, {
      workspaceId: ws.workspaceId,
      webhookId: all.id,
      actorUserId: ws.userId,
      enabled: true,
    });
    expect(await deliverDueWebhooks(h.db, { now: start() })).toMatchObject({ claimed: 1, delivered: 1 });
  });

  it("a test event goes to the one webhook, whatever it subscribes to", async () => {
    const w = await hook(["lead.created"]);
    expect(await enqueueTestEvent(h.db, { workspaceId: other.workspaceId, webhookId: w.id })).toBeNull();
    const queued = (await enqueueTestEvent(h.db, { workspaceId: ws.workspaceId, webhookId: w.id }))!;
    expect(await deliverDueWebhooks(h.db, { now: start() })).toMatchObject({ delivered: 1 });
    expect(receiver.received[0]).toMatchObject({
      verified: true,
      body: { id: queued.eventId, type: TEST_EVENT, data: { webhook_id: w.id } },
    });
    const log = await listDeliveries(h.db, { workspaceId: ws.workspaceId });
    expect(log[0]).toMatchObject({
      event: TEST_EVENT,
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
      url: receiver.url,
    });
    expect(await listDeliveries(h.db, { workspaceId: other.workspaceId })).toEqual([]);
  });
});

// ── Dashboard queries and validation ────────────────────────────────────────

describe("webhook settings", () => {
  it("another workspace's webhook id changes nothing and reveals nothing", async () => {
    const w = await hook();
    const scope = { workspaceId: other.workspaceId, webhookId: w.id, actorUserId: other.userId };
    const before = await h.db.select().from(webhooks).where(eq(webhooks.id, w.id));
    expect(await getWebhookSecret(h.db, scope)).toBeNull();
    expect(
      await updateWebhook(h.db, { ...scope, url: "https://evil.example.com", events: ["lead.created"] }),
    ).toBeNull();
    expect(await setWebhookEnabled(h.db, { ...scope, enabled: false })).toBeNull();
    expect(await rotateWebhookSecret(h.db, scope)).toBeNull();
    expect(await deleteWebhook(h.db, scope)).toBe(false);
    expect(await h.db.select().from(webhooks).where(eq(webhooks.id, w.id))).toEqual(before);
    expect(await listWebhooks(h.db, other.workspaceId)).toEqual([]);
    expect(
      await h.db.$count(auditLog, and(eq(auditLog.targetId, w.id), sql`${auditLog.action} <> 'webhook.created'`)),
    ).toBe(0);
  });

  it("create, rotate, disable, delete: audited, secrets never in the audit log, at most `max` per workspace", async () => {
    const made = (await createWebhook(h.db, {
      workspaceId: ws.workspaceId,
      url: "https://hooks.example.com/a",
      events: ["lead.created"],
      max: 2,
      actorUserId: ws.userId,
    }))!;
    expect(made.secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
    expect(await getWebhookSecret(h.db, { workspaceId: ws.workspaceId, webhookId: made.webhook.id })).toBe(made.secret);
    await createWebhook(h.db, {
      workspaceId: ws.workspaceId,
      url: "https://hooks.example.com/b",
      events: ["lead.created"],
      max: 2,
      actorUserId: ws.userId,
    });
    expect(
      await createWebhook(h.db, {
        workspaceId: ws.workspaceId,
        url: "https://hooks.example.com/c",
        events: ["lead.created"],
        max: 2,
        actorUserId: ws.userId,
      }),
    ).toBeNull();

    const rotated = (await rotateWebhookSecret(h.db, {
      workspaceId: ws.workspaceId,
      webhookId: made.webhook.id,
      actorUserId: ws.userId,
    }))!;
    expect(rotated.secret).not.toBe(made.secret);
    await setWebhookEnabled(h.db, {
      workspaceId: ws.workspaceId,
      webhookId: made.webhook.id,
      actorUserId: ws.userId,
      enabled: false,
    });
    const listed = await listWebhooks(h.db, ws.workspaceId);
    expect(listed.map((l) => [l.url, l.enabled])).toEqual([
      ["https://hooks.example.com/a", false],
      ["https://hooks.example.com/b", true],
    ]);
    expect(JSON.stringify(listed)).not.toContain("whsec_");
    expect(
      await deleteWebhook(h.db, { workspaceId: ws.workspaceId, webhookId: made.webhook.id, actorUserId: ws.userId }),
    ).toBe(true);

    const audit = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, made.webhook.id)));
    expect(audit.map((a) => a.action)).toEqual([
      "webhook.created",
      "webhook.secret_rotated",
      "webhook.disabled",
      "webhook.deleted",
    ]);
    expect(JSON.stringify(audit)).not.toContain("whsec_");
  });

  it("validates URLs and events, and the client-side event list matches the server's", () => {
    expect(WEBHOOK_EVENT_OPTIONS.map((o) => o.value)).toEqual([...WEBHOOK_EVENTS]);
    expect(
      webhookSchema.safeParse({ url: " https://example.com/hooks ", events: ["lead.created", "lead.created"] }),
    ).toEqual({
      success: true,
      data: { url: "https://example.com/hooks", events: ["lead.created"] },
    });
    expect(webhookSchema.safeParse({ url: "http://example.com/hooks", events: ["message.created"] }).success).toBe(
      true,
    );
    for (const url of [
      "",
      "example.com/hooks",
      "ftp://example.com/x",
      "https://user:pass@example.com/x",
      "javascript:alert(1)",
      `https://example.com/${"a".repeat(2001)}`,
    ]) {
      expect(webhookSchema.safeParse({ url, events: ["lead.created"] }).success, url).toBe(false);
    }
    expect(webhookSchema.safeParse({ url: "https://example.com", events: [] }).success).toBe(false);
    expect(webhookSchema.safeParse({ url: "https://example.com", events: ["lead.deleted"] }).success).toBe(false);
  });
});

import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../index";
import { webhookDeliveries, webhooks, type Webhook, type WebhookDelivery } from "../schema";
import { writeAudit } from "./accounts";
import { newId, randomBase62 } from "@/lib/ids";

type Scope = { workspaceId: string; webhookId: string };
type Actor = { actorUserId: string | null };

/** The event type of the "Send test event" button; receivers should accept and ignore types they do not know. */
export const TEST_EVENT = "webhook.test";

/** A new signing secret: `whsec_` + 32 base62 characters (≈ 190 bits). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

function tx<T>(db: Db, work: (t: Db) => Promise<T>): Promise<T> {
  return db.transaction((t) => work(t as unknown as Db));
}

export type WebhookSummary = Omit<Webhook, "secret"> & { pending: number; failed: number; lastDeliveryAt: Date | null; lastStatus: WebhookDelivery["status"] | null };

/** The workspace's webhooks, oldest first, without their secrets, with their outbox counts. */
export async function listWebhooks(db: Db, workspaceId: string): Promise<WebhookSummary[]> {
  const rows = await db
    .select({
      id: webhooks.id,
      workspaceId: webhooks.workspaceId,
      url: webhooks.url,
      events: webhooks.events,
      enabled: webhooks.enabled,
      createdAt: webhooks.createdAt,
      pending: sql<number>`(select count(*)::int from webhook_deliveries d where d.webhook_id = webhooks.id and d.status = 'pending')`,
      failed: sql<number>`(select count(*)::int from webhook_deliveries d where d.webhook_id = webhooks.id and d.status = 'failed')`,
      last: sql<{ at: string; status: WebhookDelivery["status"] } | null>`(
        select json_build_object('at', d.created_at, 'status', d.status) from webhook_deliveries d
        where d.webhook_id = webhooks.id order by d.id desc limit 1)`,
    })
    .from(webhooks)
    .where(eq(webhooks.workspaceId, workspaceId))
    .orderBy(webhooks.createdAt, webhooks.id);
  return rows.map(({ last, ...w }) => ({
    ...w,
    pending: Number(w.pending),
    failed: Number(w.failed),
    lastDeliveryAt: last ? new Date(last.at) : null,
    lastStatus: last?.status ?? null,
  }));
}

/** A webhook's signing secret (another workspace's webhook: null). */
export async function getWebhookSecret(db: Db, { workspaceId, webhookId }: Scope): Promise<string | null> {
  const [row] = await db
    .select({ secret: webhooks.secret })
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.workspaceId, workspaceId)));
  return row?.secret ?? null;
}

/** Adds a webhook with a fresh secret; null when the workspace already has `max`. */
export async function createWebhook(
  db: Db,
  input: { workspaceId: string; url: string; events: string[]; max: number } & Actor,
): Promise<{ webhook: Webhook; secret: string } | null> {
  return tx(db, async (t) => {
    // Serialises concurrent adds for the workspace so the limit holds.
    await t.execute(sql`select id from workspaces where id = ${input.workspaceId} for update`);
    const [{ n }] = (await t.select({ n: count() }).from(webhooks).where(eq(webhooks.workspaceId, input.workspaceId))) as [{ n: number }];
    if (Number(n) >= input.max) return null;
    const secret = generateWebhookSecret();
    const [webhook] = await t
      .insert(webhooks)
      .values({ id: newId("wh"), workspaceId: input.workspaceId, url: input.url, events: input.events, secret })
      .returning();
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.created",
      targetType: "webhook",
      targetId: webhook!.id,
      after: { url: webhook!.url, events: webhook!.events },
    });
    return { webhook: webhook!, secret };
  });
}

/** Changes a webhook's URL and events. */
export async function updateWebhook(db: Db, input: Scope & Actor & { url: string; events: string[] }): Promise<Webhook | null> {
  return tx(db, async (t) => {
    const [before] = await t
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.workspaceId, input.workspaceId)))
      .for("update");
    if (!before) return null;
    const [after] = await t.update(webhooks).set({ url: input.url, events: input.events }).where(eq(webhooks.id, before.id)).returning();
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.updated",
      targetType: "webhook",
      targetId: before.id,
      before: { url: before.url, events: before.events },
      after: { url: after!.url, events: after!.events },
    });
    return after!;
  });
}

/** Turns a webhook on or off; while off, nothing new is queued for it and what is queued waits. */
export async function setWebhookEnabled(db: Db, input: Scope & Actor & { enabled: boolean }): Promise<Webhook | null> {
  return tx(db, async (t) => {
    const [after] = await t
      .update(webhooks)
      .set({ enabled: input.enabled })
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.workspaceId, input.workspaceId)))
      .returning();
    if (!after) return null;
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: input.enabled ? "webhook.enabled" : "webhook.disabled",
      targetType: "webhook",
      targetId: after.id,
    });
    return after;
  });
}

/** Replaces the signing secret at once (deliveries from now on, retries included, use the new one); returns it. */
export async function rotateWebhookSecret(db: Db, input: Scope & Actor): Promise<{ secret: string } | null> {
  return tx(db, async (t) => {
    const secret = generateWebhookSecret();
    const [after] = await t
      .update(webhooks)
      .set({ secret })
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.workspaceId, input.workspaceId)))
      .returning({ id: webhooks.id });
    if (!after) return null;
    await writeAudit(t, { workspaceId: input.workspaceId, actorUserId: input.actorUserId, action: "webhook.secret_rotated", targetType: "webhook", targetId: after.id });
    return { secret };
  });
}

/** Deletes a webhook and its delivery log. */
export async function deleteWebhook(db: Db, input: Scope & Actor): Promise<boolean> {
  return tx(db, async (t) => {
    const [gone] = await t
      .delete(webhooks)
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.workspaceId, input.workspaceId)))
      .returning({ id: webhooks.id, url: webhooks.url, events: webhooks.events });
    if (!gone) return false;
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.deleted",
      targetType: "webhook",
      targetId: gone.id,
      before: { url: gone.url, events: gone.events },
    });
    return true;
  });
}

/** Queues a `webhook.test` event for one webhook (whatever events it subscribes to); null for another workspace's. */
export async function enqueueTestEvent(db: Db, { workspaceId, webhookId }: Scope): Promise<{ eventId: string } | null> {
  const [hook] = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.workspaceId, workspaceId)));
  if (!hook) return null;
  const eventId = newId("evt");
  const body = {
    id: eventId,
    type: TEST_EVENT,
    created_at: new Date().toISOString(),
    workspace_id: workspaceId,
    data: { webhook_id: hook.id, message: "This is a test event from Parley. If you can read it, your endpoint works." },
  };
  await db.insert(webhookDeliveries).values({ webhookId: hook.id, workspaceId, eventId, event: TEST_EVENT, payload: body });
  return { eventId };
}

/** Sends a failed delivery again, with a fresh set of attempts. */
export async function retryDelivery(db: Db, { workspaceId, deliveryId }: { workspaceId: string; deliveryId: number }): Promise<boolean> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: sql`now()`, lockedUntil: null })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.status, "failed")))
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}

export type DeliveryLogEntry = Pick<
  WebhookDelivery,
  "id" | "webhookId" | "eventId" | "event" | "status" | "attempts" | "nextAttemptAt" | "lastStatusCode" | "lastError" | "deliveredAt" | "createdAt"
> & { url: string };

/** The latest deliveries of the workspace (or of one of its webhooks), newest first. */
export async function listDeliveries(db: Db, { workspaceId, webhookId, limit = 50 }: { workspaceId: string; webhookId?: string; limit?: number }): Promise<DeliveryLogEntry[]> {
  return db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      url: webhooks.url,
      eventId: webhookDeliveries.eventId,
      event: webhookDeliveries.event,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), webhookId ? eq(webhookDeliveries.webhookId, webhookId) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit);
}

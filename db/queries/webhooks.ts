import { and, count, desc, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { webhookDeliveries, webhooks, type Webhook, type WebhookDelivery } from "../schema";
import { writeAudit } from "./audit";
import { newId, randomBase62 } from "@/lib/ids";
import type { WebhookEvent } from "@/lib/webhooks/events";

type Scope = { workspaceId: string; webhookId: string };
type Actor = { actorUserId: string | null };

/** The event type of the "Send test event" button; receivers should accept and ignore types they do not know. */
export const TEST_EVENT = "webhook.test";

/** An event as stored in the outbox and sent: the documented envelope around `data`. */
function eventEnvelope(eventId: string, type: string, workspaceId: string, data: Record<string, unknown>) {
  return { id: eventId, type, created_at: new Date().toISOString(), workspace_id: workspaceId, data };
}

/**
 * Puts an event in the outbox of every enabled webhook of the workspace that subscribes to it. Call it
 * inside the transaction that makes the change, so an event exists exactly when the change does.
 * `orderingKey` (a conversation id) keeps one conversation's events in order.
 */
export async function enqueueWebhookEvent(
  db: Db,
  {
    workspaceId,
    event,
    payload,
    orderingKey,
  }: { workspaceId: string; event: WebhookEvent; payload: Record<string, unknown>; orderingKey?: string },
): Promise<void> {
  const eventId = newId("evt");
  const body = eventEnvelope(eventId, event, workspaceId, payload);
  await db.execute(sql`
    insert into webhook_deliveries (webhook_id, workspace_id, event_id, event, ordering_key, payload)
    select id, workspace_id, ${eventId}, ${event}, ${orderingKey ?? null}, ${JSON.stringify(body)}::jsonb
    from webhooks
    where workspace_id = ${workspaceId} and enabled and ${event} = any(events)`);
}

/** A new signing secret: `whsec_` + 32 base62 characters (≈ 190 bits). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

export type WebhookSummary = Omit<Webhook, "secret"> & {
  pending: number;
  failed: number;
  lastDeliveryAt: Date | null;
  lastStatus: WebhookDelivery["status"] | null;
};

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
  return db.transaction(async (t) => {
    // Serialises concurrent adds for the workspace so the limit holds.
    await t.execute(sql`select id from workspaces where id = ${input.workspaceId} for update`);
    const [{ n }] = (await t
      .select({ n: count() })
      .from(webhooks)
      .where(eq(webhooks.workspaceId, input.workspaceId))) as [{ n: number }];
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
export async function updateWebhook(
  db: Db,
  input: Scope & Actor & { url: string; events: string[] },
): Promise<Webhook | null> {
  return db.transaction(async (t) => {
    const [before] = await t
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.workspaceId, input.workspaceId)))
      .for("update");
    if (!before) return null;
    const [after] = await t
      .update(webhooks)
      .set({ url: input.url, events: input.events })
      .where(eq(webhooks.id, before.id))
      .returning();
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
  return db.transaction(async (t) => {
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
  return db.transaction(async (t) => {
    const secret = generateWebhookSecret();
    const [after] = await t
      .update(webhooks)
      .set({ secret })
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.workspaceId, input.workspaceId)))
      .returning({ id: webhooks.id });
    if (!after) return null;
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "webhook.secret_rotated",
      targetType: "webhook",
      targetId: after.id,
    });
    return { secret };
  });
}

/** Deletes a webhook and its delivery log. */
export async function deleteWebhook(db: Db, input: Scope & Actor): Promise<boolean> {
  return db.transaction(async (t) => {
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
  const body = eventEnvelope(eventId, TEST_EVENT, workspaceId, {
    webhook_id: hook.id,
    message: "This is a test event from Parley. If you can read it, your endpoint works.",
  });
  await db
    .insert(webhookDeliveries)
    .values({ webhookId: hook.id, workspaceId, eventId, event: TEST_EVENT, payload: body });
  return { eventId };
}

/** Sends a failed delivery again, with a fresh set of attempts. */
export async function retryDelivery(
  db: Db,
  { workspaceId, deliveryId }: { workspaceId: string; deliveryId: number },
): Promise<boolean> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: sql`now()`, lockedUntil: null })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.workspaceId, workspaceId),
        eq(webhookDeliveries.status, "failed"),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}

export type DeliveryLogEntry = Pick<
  WebhookDelivery,
  | "id"
  | "webhookId"
  | "eventId"
  | "event"
  | "status"
  | "attempts"
  | "nextAttemptAt"
  | "lastStatusCode"
  | "lastError"
  | "deliveredAt"
  | "createdAt"
> & { url: string };

/** The latest deliveries of the workspace (or of one of its webhooks), newest first. */
export async function listDeliveries(
  db: Db,
  { workspaceId, webhookId, limit = 50 }: { workspaceId: string; webhookId?: string; limit?: number },
): Promise<DeliveryLogEntry[]> {
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
    .where(
      and(
        eq(webhookDeliveries.workspaceId, workspaceId),
        webhookId ? eq(webhookDeliveries.webhookId, webhookId) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit);
}

/** A pending delivery claimed for sending, with its webhook's URL and secret. */
export type ClaimedDelivery = {
  id: number;
  event_id: string;
  event: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
};

/**
 * Claims up to `limit` due deliveries of enabled webhooks (FOR UPDATE SKIP LOCKED, with a lease until
 * `leaseUntil`, so several workers never send the same one at once and a crashed worker's claim runs
 * out), counting the attempt. Only the oldest pending delivery of an ordering key per webhook is due.
 */
export async function claimDueDeliveries(
  db: Db,
  { now, leaseUntil, limit }: { now: Date; leaseUntil: Date; limit: number },
): Promise<ClaimedDelivery[]> {
  return queryRows<ClaimedDelivery>(
    db,
    sql`
      with due as (
        select d.id
        from webhook_deliveries d
        join webhooks w on w.id = d.webhook_id
        where d.status = 'pending'
          and w.enabled
          and d.next_attempt_at <= ${now.toISOString()}::timestamptz
          and (d.locked_until is null or d.locked_until <= ${now.toISOString()}::timestamptz)
          and not exists (
            select 1 from webhook_deliveries e
            where d.ordering_key is not null
              and e.webhook_id = d.webhook_id
              and e.ordering_key = d.ordering_key
              and e.status = 'pending'
              and e.id < d.id
          )
        order by d.next_attempt_at, d.id
        limit ${limit}
        for update of d skip locked
      )
      update webhook_deliveries d
      set locked_until = ${leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1
      from due, webhooks w
      where d.id = due.id and w.id = d.webhook_id
      returning d.id, d.event_id, d.event, d.payload, d.attempts, w.url, w.secret`,
  );
}

/** Matches a claim still held: another worker may have taken the delivery over after the lease ran out. */
function stillClaimed(d: Pick<ClaimedDelivery, "id" | "attempts">) {
  return sql`id = ${d.id} and status = 'pending' and attempts = ${d.attempts}`;
}

/** Records a claimed delivery as delivered (unless the claim was lost). */
export async function markDelivered(
  db: Db,
  d: Pick<ClaimedDelivery, "id" | "attempts">,
  { at, statusCode }: { at: Date; statusCode: number },
): Promise<void> {
  await db.execute(sql`
    update webhook_deliveries
    set status = 'delivered', delivered_at = ${at.toISOString()}::timestamptz, locked_until = null,
        last_status_code = ${statusCode}, last_error = null
    where ${stillClaimed(d)}`);
}

/** Records a failed attempt of a claimed delivery (unless the claim was lost): tried again at `nextAttemptAt`, or failed for good. */
export async function markAttemptFailed(
  db: Db,
  d: Pick<ClaimedDelivery, "id" | "attempts">,
  a: { giveUp: boolean; nextAttemptAt: Date; statusCode: number | null; error: string },
): Promise<void> {
  await db.execute(sql`
    update webhook_deliveries
    set status = ${a.giveUp ? "failed" : "pending"}::delivery_status,
        next_attempt_at = ${a.nextAttemptAt.toISOString()}::timestamptz,
        locked_until = null, last_status_code = ${a.statusCode}, last_error = ${a.error}
    where ${stillClaimed(d)}`);
}

import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { newId } from "@/lib/ids";

export const WEBHOOK_EVENTS = ["lead.created", "handoff.requested", "message.created"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Puts an event in the outbox of every enabled webhook of the workspace that subscribes to it. Call it
 * inside the transaction that makes the change, so an event exists exactly when the change does.
 * `orderingKey` (a conversation id) keeps one conversation's events in order.
 */
export async function enqueueWebhookEvent(
  db: Db,
  { workspaceId, event, payload, orderingKey }: { workspaceId: string; event: WebhookEvent; payload: Record<string, unknown>; orderingKey?: string },
): Promise<void> {
  const eventId = newId("evt");
  const body = { id: eventId, type: event, created_at: new Date().toISOString(), workspace_id: workspaceId, data: payload };
  await db.execute(sql`
    insert into webhook_deliveries (webhook_id, workspace_id, event_id, event, ordering_key, payload)
    select id, workspace_id, ${eventId}, ${event}, ${orderingKey ?? null}, ${JSON.stringify(body)}::jsonb
    from webhooks
    where workspace_id = ${workspaceId} and enabled and ${event} = any(events)`);
}

/**
 * Erasing an end user (the Chat API's DELETE /chat/custom/:integrationId/users/:userId): everything
 * of theirs in the workspace, in one transaction with its audit row and its `user.erased` event.
 * Neither keeps the user's id: they name the erasure by its id and the SHA-256 of the user id.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { writeAudit } from "./audit";
import { deleteEndUserLimits } from "./limits";
import { enqueueWebhookEvent } from "./webhooks";

export type ErasureCounts = {
  conversations: number;
  messages: number;
  leads: number;
  /** Queued or sent webhook payloads about the user (their conversations, leads or user id). */
  webhookDeliveries: number;
  /** Stored Idempotency-Key outcomes of their requests. */
  idempotencyRecords: number;
};

/** The end user's conversations in the workspace: the API's `user_id`, and a widget's verified user (`user:<id>`). */
function conversationsOf(workspaceId: string, userId: string): SQL {
  return sql`(select id from conversations where workspace_id = ${workspaceId}
              and (external_user_id = ${userId} or (channel = 'widget' and external_user_id = ${`user:${userId}`})))`;
}

async function count(db: Db, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db, query);
  return Number(row?.n ?? 0);
}

async function deleted(db: Db, statement: SQL): Promise<number> {
  return count(db, sql`with gone as (${statement} returning 1) select count(*) as n from gone`);
}

/**
 * Deletes the end user's conversations (their messages, and whatever hangs off a message, go with
 * them), the leads those conversations captured, the webhook payloads about any of these that are
 * queued or logged, stored idempotent responses to their requests and their per-user limiter state;
 * then writes the audit row and queues `user.erased`. An unknown user erases nothing and is still recorded.
 */
export async function eraseEndUser(
  db: Db,
  input: { workspaceId: string; integrationId: string; userId: string; erasureId: string; userIdSha256: string },
): Promise<ErasureCounts> {
  const { workspaceId, userId } = input;
  return db.transaction(async (t) => {
    const mine = conversationsOf(workspaceId, userId);
    // Locks them: a message being saved to one of them now waits, then fails rather than outlive the erasure.
    await t.execute(sql`select id from conversations where id in ${mine} for update`);
    const conversations = await count(t, sql`select count(*) as n from conversations where id in ${mine}`);
    const messages = await count(t, sql`select count(*) as n from messages where conversation_id in ${mine}`);
    const leadsOf = sql`(select lead_id from lead_conversations where conversation_id in ${mine}
                         union select lead_id from conversations where id in ${mine} and lead_id is not null)`;

    const webhookDeliveries = await deleted(
      t,
      sql`delete from webhook_deliveries where workspace_id = ${workspaceId} and (
            payload->'data'->>'conversation_id' in ${mine}
            or payload->'data'->>'lead_id' in ${leadsOf}
            or payload->'data'->>'user_id' in (${userId}, ${`user:${userId}`}))`,
    );
    const idempotencyRecords = await deleted(
      t,
      sql`delete from idempotency_keys
          where integration_id in (select id from integrations where workspace_id = ${workspaceId})
            and response->>'conversation_id' in ${mine}`,
    );
    await t.execute(
      sql`update conversations set lead_id = null
          where workspace_id = ${workspaceId} and lead_id in ${leadsOf} and id not in ${mine}`,
    );
    const leads = await deleted(t, sql`delete from leads where workspace_id = ${workspaceId} and id in ${leadsOf}`);
    await t.execute(sql`delete from conversations where id in ${mine}`);
    const integrationIds = (
      await queryRows<{ id: string }>(t, sql`select id from integrations where workspace_id = ${workspaceId}`)
    ).map((r) => r.id);
    await deleteEndUserLimits(t, { workspaceId, integrationIds, userIdSha256: input.userIdSha256 });

    const counts = { conversations, messages, leads, webhookDeliveries, idempotencyRecords };
    const summary = {
      integration_id: input.integrationId,
      user_id_sha256: input.userIdSha256,
      conversations,
      messages,
      leads,
    };
    await writeAudit(t, {
      workspaceId,
      actorUserId: null,
      action: "end_user.erased",
      targetType: "end_user",
      targetId: input.erasureId,
      after: { integrationId: input.integrationId, userIdSha256: input.userIdSha256, ...counts },
    });
    await enqueueWebhookEvent(t, {
      workspaceId,
      event: "user.erased",
      payload: { erasure_id: input.erasureId, ...summary },
    });
    return counts;
  });
}

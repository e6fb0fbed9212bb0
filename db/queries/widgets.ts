import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../index";
import {
  bots,
  conversations,
  integrations,
  workspaces,
  type Bot,
  type Integration,
  type WidgetSettings,
} from "../schema";
import { writeAudit } from "./audit";
import { invalidatingAfter, lockIntegration, type EndUserLimitSettings } from "./integrations";

type Scope = { workspaceId: string; integrationId: string };
type Actor = { actorUserId: string | null };

/** Disables (refuses politely, keeps everything) or enables an integration again. */
export async function setIntegrationDisabled(
  db: Db,
  input: Scope & Actor & { disabled: boolean },
): Promise<Integration | null> {
  return invalidatingAfter(
    input.integrationId,
    db.transaction(async (t) => {
      const before = await lockIntegration(t, input);
      if (!before) return null;
      const [after] = await t
        .update(integrations)
        .set({ disabledAt: input.disabled ? (before.disabledAt ?? sql`now()`) : null })
        .where(eq(integrations.id, before.id))
        .returning();
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: input.disabled ? "integration.disabled" : "integration.enabled",
        targetType: "integration",
        targetId: before.id,
      });
      return after!;
    }),
  );
}

/** Sets (a new secret, shown once by the caller) or clears the widget's identity verification secret. */
export async function setIdentitySecret(db: Db, input: Scope & Actor & { secret: string | null }): Promise<boolean> {
  return invalidatingAfter(
    input.integrationId,
    db.transaction(async (t) => {
      const before = await lockIntegration(t, input);
      if (!before || before.type !== "widget") return false;
      await t.update(integrations).set({ identitySecret: input.secret }).where(eq(integrations.id, before.id));
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: input.secret ? "integration.identity_secret_rolled" : "integration.identity_verification_off",
        targetType: "integration",
        targetId: before.id,
      });
      return true;
    }),
  );
}

export type WidgetAuthRecord = {
  integrationId: string;
  workspaceId: string;
  botId: string;
  plan: (typeof workspaces.$inferSelect)["plan"];
  allowedOrigins: string[];
  returnSources: boolean;
  widget: WidgetSettings;
  identitySecret: string | null;
  disabled: boolean;
  bot: Bot;
  endUserLimits: EndUserLimitSettings;
};

/** What the widget endpoint needs to admit and answer a request, in one query (null: no live widget with this id). */
export async function loadWidgetAuth(db: Db, integrationId: string): Promise<WidgetAuthRecord | null> {
  const [row] = await db
    .select({ integration: integrations, plan: workspaces.plan, bot: bots })
    .from(integrations)
    .innerJoin(workspaces, eq(workspaces.id, integrations.workspaceId))
    .innerJoin(bots, eq(bots.id, integrations.botId))
    .where(and(eq(integrations.id, integrationId), eq(integrations.type, "widget"), isNull(integrations.deletedAt)));
  if (!row || !row.integration.widget) return null;
  const i = row.integration;
  return {
    integrationId: i.id,
    workspaceId: i.workspaceId,
    botId: i.botId,
    plan: row.plan,
    allowedOrigins: i.allowedOrigins,
    returnSources: i.returnSources,
    widget: i.widget!,
    identitySecret: i.identitySecret,
    disabled: i.disabledAt !== null,
    bot: row.bot,
    endUserLimits: { requestsPerMinute: i.userRequestsPerMinute, messagesPerMonth: i.userMessagesPerMonth },
  };
}

/** The owner's most recent conversation on this widget (a verified user's history on a new device). */
export async function latestWidgetConversation(
  db: Db,
  { integrationId, owner }: { integrationId: string; owner: string },
): Promise<string | undefined> {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.integrationId, integrationId), eq(conversations.externalUserId, owner)))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  return row?.id;
}

/** Records that the widget was used (at most once a minute, by the database clock). */
export async function touchWidgetUsed(db: Db, integrationId: string): Promise<void> {
  await db.execute(sql`update integrations set last_used_at = now() where id = ${integrationId}
      and (last_used_at is null or last_used_at < now() - interval '1 minute')`);
}

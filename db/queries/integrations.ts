import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { apiKeys, bots, integrations, workspaces, type Bot, type Integration, type WidgetSettings } from "../schema";
import { cachedApiAuth, invalidateApiAuth } from "./api-auth-cache";
import { writeAudit } from "./audit";
import { generateApiKey } from "@/lib/api-keys";
import { newId } from "@/lib/ids";
import { CHARGED } from "./usage";

type Scope = { workspaceId: string; integrationId: string };
type Actor = { actorUserId: string | null };

/** Clears the API's cached admission of an integration once its change has committed. */
export async function invalidatingAfter<T>(integrationId: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    invalidateApiAuth(integrationId);
  }
}

/** A key that still opens the door: not revoked, not expired (by the database clock). */
const liveKey = () => and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)));

async function insertKey(db: Db, integrationId: string) {
  const { key, hash, hint } = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({ id: newId("key"), integrationId, keyHash: hash, hint })
    .returning();
  return { key, row: row! };
}

/** The workspace's bot of that id, or undefined: another workspace's bot behaves like a missing one. */
export async function botOfWorkspace(db: Db, workspaceId: string, botId: string) {
  const [bot] = await db
    .select({ id: bots.id })
    .from(bots)
    .where(and(eq(bots.id, botId), eq(bots.workspaceId, workspaceId)));
  return bot;
}

/** Creates a Custom API integration for a bot of the same workspace; returns its only plaintext key. */
export async function createIntegration(
  db: Db,
  input: { workspaceId: string; botId: string; name: string; allowedIps?: string[] } & Actor,
): Promise<{ integration: Integration; apiKey: string } | null> {
  const made = await create(db, { ...input, type: "custom_api" });
  return made && made.key ? { integration: made.integration, apiKey: made.key } : null;
}

/** Creates a website widget for a bot of the same workspace (null: no such bot in this workspace). */
export async function createWidgetIntegration(
  db: Db,
  input: { workspaceId: string; botId: string; name: string; allowedOrigins: string[]; widget: WidgetSettings } & Actor,
): Promise<Integration | null> {
  const made = await create(db, { ...input, type: "widget" });
  return made && made.integration;
}

type NewIntegration = { workspaceId: string; botId: string; name: string } & Actor &
  (
    { type: "custom_api"; allowedIps?: string[] } | { type: "widget"; allowedOrigins: string[]; widget: WidgetSettings }
  );

async function create(db: Db, input: NewIntegration) {
  return db.transaction(async (t) => {
    const bot = await botOfWorkspace(t, input.workspaceId, input.botId);
    if (!bot) return null;
    const [integration] = await t
      .insert(integrations)
      .values({
        id: newId("int"),
        workspaceId: input.workspaceId,
        botId: bot.id,
        type: input.type,
        name: input.name,
        ...(input.type === "widget"
          ? { allowedOrigins: input.allowedOrigins, widget: input.widget }
          : { allowedIps: input.allowedIps ?? [] }),
      })
      .returning();
    const key = input.type === "custom_api" ? await insertKey(t, integration!.id) : null;
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "integration.created",
      targetType: "integration",
      targetId: integration!.id,
      after: key
        ? { name: integration!.name, botId: bot.id, allowedIps: integration!.allowedIps, keyHint: key.row.hint }
        : { type: "widget", name: integration!.name, botId: bot.id, allowedOrigins: integration!.allowedOrigins },
    });
    return { integration: integration!, key: key?.key ?? null };
  });
}

export type IntegrationSummary = {
  id: string;
  name: string;
  type: Integration["type"];
  botId: string;
  botName: string;
  allowedIps: string[];
  returnSources: boolean;
  endUserLimits: EndUserLimitSettings;
  /** Widget only: the websites it may run on, its appearance, whether identity verification is on. */
  allowedOrigins: string[];
  widget: Integration["widget"];
  identityVerification: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  keys: { id: string; hint: string; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null }[];
  messagesThisMonth: number;
};

/** The workspace's live integrations with their bot, live keys and this month's message count. */
export async function listIntegrations(db: Db, workspaceId: string, onlyId?: string): Promise<IntegrationSummary[]> {
  const rows = await db
    .select({ integration: integrations, botName: bots.name })
    .from(integrations)
    .innerJoin(bots, eq(bots.id, integrations.botId))
    .where(
      and(
        eq(integrations.workspaceId, workspaceId),
        isNull(integrations.deletedAt),
        onlyId ? eq(integrations.id, onlyId) : undefined,
      ),
    )
    .orderBy(desc(integrations.createdAt));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.integration.id);
  const keys = await db
    .select()
    .from(apiKeys)
    .where(and(sql`${apiKeys.integrationId} in ${ids}`, liveKey()))
    .orderBy(desc(apiKeys.createdAt));
  const counts = await queryRows<{ integration_id: string; n: string | number }>(
    db,
    sql`select c.integration_id, count(*) as n
        from messages m join conversations c on c.id = m.conversation_id
        where c.integration_id in ${ids} and ${CHARGED}
          and m.created_at >= date_trunc('month', app_now() at time zone 'UTC') at time zone 'UTC'
        group by c.integration_id`,
  );
  const countBy = new Map(counts.map((c) => [c.integration_id, Number(c.n)]));
  return rows.map(({ integration: i, botName }) => ({
    id: i.id,
    name: i.name,
    type: i.type,
    botId: i.botId,
    botName,
    allowedIps: i.allowedIps,
    returnSources: i.returnSources,
    endUserLimits: { requestsPerMinute: i.userRequestsPerMinute, messagesPerMonth: i.userMessagesPerMonth },
    allowedOrigins: i.allowedOrigins,
    widget: i.widget,
    identityVerification: i.identitySecret !== null,
    disabledAt: i.disabledAt,
    createdAt: i.createdAt,
    lastUsedAt: i.lastUsedAt,
    keys: keys
      .filter((k) => k.integrationId === i.id)
      .map((k) => ({
        id: k.id,
        hint: k.hint,
        createdAt: k.createdAt,
        expiresAt: k.expiresAt,
        lastUsedAt: k.lastUsedAt,
      })),
    messagesThisMonth: countBy.get(i.id) ?? 0,
  }));
}

/** One live integration of the workspace, or undefined (also for another workspace's id). */
export async function getIntegration(db: Db, { workspaceId, integrationId }: Scope) {
  return (await listIntegrations(db, workspaceId, integrationId))[0];
}

/** Locks the workspace's live integration row for the rest of the transaction. */
export async function lockIntegration(db: Db, { workspaceId, integrationId }: Scope) {
  const [row] = await db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.id, integrationId),
        eq(integrations.workspaceId, workspaceId),
        isNull(integrations.deletedAt),
      ),
    )
    .for("update");
  return row;
}

/** Replaces the allowed IPs (already canonical CIDRs). Takes effect on the API's next request. */
export async function setAllowedIps(db: Db, input: Scope & Actor & { cidrs: string[] }): Promise<Integration | null> {
  return invalidatingAfter(
    input.integrationId,
    db.transaction(async (t) => {
      const before = await lockIntegration(t, input);
      if (!before) return null;
      const [after] = await t
        .update(integrations)
        .set({ allowedIps: input.cidrs })
        .where(eq(integrations.id, before.id))
        .returning();
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "integration.allowlist_changed",
        targetType: "integration",
        targetId: before.id,
        before: { allowedIps: before.allowedIps },
        after: { allowedIps: after!.allowedIps },
      });
      return after!;
    }),
  );
}

/**
 * Renames the integration, points it at another bot of the workspace, toggles `sources` in replies,
 * sets its limits per end user (null: none), or a website widget's websites and appearance (null for
 * an integration of another type). Takes effect on the API's next request.
 */
export async function updateIntegration(
  db: Db,
  input: Scope &
    Actor & {
      name?: string;
      botId?: string;
      returnSources?: boolean;
      endUserLimits?: EndUserLimitSettings;
      allowedOrigins?: string[];
      widget?: WidgetSettings;
    },
): Promise<Integration | null> {
  const widgetChange = input.allowedOrigins !== undefined || input.widget !== undefined;
  return invalidatingAfter(
    input.integrationId,
    db.transaction(async (t) => {
      const before = await lockIntegration(t, input);
      if (!before || (widgetChange && before.type !== "widget")) return null;
      if (input.botId && !(await botOfWorkspace(t, input.workspaceId, input.botId))) return null;
      const [after] = await t
        .update(integrations)
        .set({
          name: input.name ?? before.name,
          botId: input.botId ?? before.botId,
          returnSources: input.returnSources ?? before.returnSources,
          allowedOrigins: input.allowedOrigins ?? before.allowedOrigins,
          widget: input.widget ?? before.widget,
          ...(input.endUserLimits && {
            userRequestsPerMinute: input.endUserLimits.requestsPerMinute,
            userMessagesPerMonth: input.endUserLimits.messagesPerMonth,
          }),
        })
        .where(eq(integrations.id, before.id))
        .returning();
      // The end-user limits, websites and appearance appear in the entry only when they are what changed.
      const pick = (i: Integration) => ({
        name: i.name,
        botId: i.botId,
        ...(widgetChange && { allowedOrigins: i.allowedOrigins, widget: i.widget }),
        returnSources: i.returnSources,
        ...(input.endUserLimits && {
          userRequestsPerMinute: i.userRequestsPerMinute,
          userMessagesPerMonth: i.userMessagesPerMonth,
        }),
      });
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "integration.updated",
        targetType: "integration",
        targetId: before.id,
        before: pick(before),
        after: pick(after!),
      });
      return after!;
    }),
  );
}

/** How long the previous key keeps working after a roll, in seconds, by the choice the dashboard offers. */
export const GRACE_PERIODS = { none: 0, "1h": 3600, "24h": 86_400, "7d": 604_800 } as const;
export type GracePeriod = keyof typeof GRACE_PERIODS;

/**
 * Issues a new key for the same integration. The newest previous key lives on for the grace period
 * (never longer than it already would); any older live key is revoked now, so at most two keys work.
 */
export async function rollApiKey(
  db: Db,
  input: Scope & Actor & { grace: GracePeriod },
): Promise<{ apiKey: string; hint: string } | null> {
  return invalidatingAfter(
    input.integrationId,
    db.transaction(async (t) => {
      const integration = await lockIntegration(t, input);
      if (!integration) return null;
      const live = await t
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.integrationId, integration.id), liveKey()))
        .orderBy(desc(apiKeys.createdAt));
      const graceSeconds = GRACE_PERIODS[input.grace];
      const [previous, ...older] = live;
      if (previous) {
        if (graceSeconds === 0) {
          await t
            .update(apiKeys)
            .set({ revokedAt: sql`now()` })
            .where(eq(apiKeys.id, previous.id));
        } else {
          await t
            .update(apiKeys)
            .set({
              expiresAt: sql`least(now() + make_interval(secs => ${graceSeconds}), coalesce(${apiKeys.expiresAt}, 'infinity'))`,
            })
            .where(eq(apiKeys.id, previous.id));
        }
      }
      for (const k of older)
        await t
          .update(apiKeys)
          .set({ revokedAt: sql`now()` })
          .where(eq(apiKeys.id, k.id));
      const { key, row } = await insertKey(t, integration.id);
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "integration.key_rolled",
        targetType: "integration",
        targetId: integration.id,
        before: { liveKeys: live.map((k) => k.hint) },
        after: {
          newKey: row.hint,
          grace: input.grace,
          revoked: (graceSeconds === 0 ? live : older).map((k) => k.hint),
        },
      });
      return { apiKey: key, hint: row.hint };
    }),
  );
}

async function softDelete(t: Db, integration: Integration) {
  await t
    .update(integrations)
    .set({ deletedAt: sql`now()` })
    .where(eq(integrations.id, integration.id));
  await t
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.integrationId, integration.id), isNull(apiKeys.revokedAt)));
}

/** Deletes the integration: its endpoint answers 404 at once; its conversations stay in the inbox. */
export async function deleteIntegration(db: Db, input: Scope & Actor): Promise<boolean> {
  return invalidatingAfter(
    input.integrationId,
    db.transaction(async (t) => {
      const integration = await lockIntegration(t, input);
      if (!integration) return false;
      await softDelete(t, integration);
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "integration.deleted",
        targetType: "integration",
        targetId: integration.id,
        before: { name: integration.name, botId: integration.botId, allowedIps: integration.allowedIps },
      });
      return true;
    }),
  );
}

/** Deletes the integration and creates a new one with the same name, bot and allowed IPs, in one step. */
export async function recreateIntegration(
  db: Db,
  input: Scope & Actor,
): Promise<{ integration: Integration; apiKey: string } | null> {
  const made = await recreate(db, input, "custom_api");
  return made && made.key ? { integration: made.integration, apiKey: made.key } : null;
}

/** The same for a website widget: a new id (so a new snippet), the same settings and identity secret, no key. */
export async function recreateWidgetIntegration(
  db: Db,
  input: Scope & Actor,
): Promise<{ integration: Integration } | null> {
  const made = await recreate(db, input, "widget");
  return made && { integration: made.integration };
}

async function recreate(db: Db, input: Scope & Actor, type: Integration["type"]) {
  return invalidatingAfter(
    input.integrationId,
    db.transaction(async (t) => {
      const old = await lockIntegration(t, input);
      if (!old || old.type !== type) return null;
      await softDelete(t, old);
      const [integration] = await t
        .insert(integrations)
        .values({
          id: newId("int"),
          workspaceId: old.workspaceId,
          botId: old.botId,
          name: old.name,
          type: old.type,
          allowedIps: old.allowedIps,
          returnSources: old.returnSources,
          allowedOrigins: old.allowedOrigins,
          widget: old.widget,
          identitySecret: old.identitySecret,
          disabledAt: old.disabledAt,
        })
        .returning();
      const key = type === "custom_api" ? await insertKey(t, integration!.id) : null;
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "integration.recreated",
        targetType: "integration",
        targetId: integration!.id,
        before: { id: old.id },
        after: { id: integration!.id, name: integration!.name, ...(key && { keyHint: key.row.hint }) },
      });
      return { integration: integration!, key: key?.key ?? null };
    }),
  );
}

export type ApiAuthRecord = {
  integrationId: string;
  workspaceId: string;
  botId: string;
  plan: (typeof workspaces.$inferSelect)["plan"];
  allowedIps: string[];
  returnSources: boolean;
  /** Live keys; a cached record may hold one that expired since, so callers check expiresAt. */
  keys: { id: string; hash: Buffer; expiresAt: Date | null }[];
  bot: Bot;
  endUserLimits: EndUserLimitSettings;
};

/** An integration's optional limits per end user (`user_id`); null: none. */
export type EndUserLimitSettings = { requestsPerMinute: number | null; messagesPerMonth: number | null };

/**
 * Everything the Chat API needs to admit and answer a request, in one query: the integration, its
 * plan, its bot and its live keys. Cached briefly in-process (api-auth-cache.ts).
 */
export function loadApiAuth(db: Db, integrationId: string): Promise<ApiAuthRecord | null> {
  return cachedApiAuth(integrationId, () => loadApiAuthUncached(db, integrationId));
}

async function loadApiAuthUncached(db: Db, integrationId: string): Promise<ApiAuthRecord | null> {
  const rows = await db
    .select({
      integrationId: integrations.id,
      workspaceId: integrations.workspaceId,
      plan: workspaces.plan,
      allowedIps: integrations.allowedIps,
      returnSources: integrations.returnSources,
      userRequestsPerMinute: integrations.userRequestsPerMinute,
      userMessagesPerMonth: integrations.userMessagesPerMonth,
      keyId: apiKeys.id,
      keyHash: apiKeys.keyHash,
      keyExpiresAt: apiKeys.expiresAt,
      bot: bots,
    })
    .from(integrations)
    .innerJoin(workspaces, eq(workspaces.id, integrations.workspaceId))
    .innerJoin(bots, eq(bots.id, integrations.botId))
    .leftJoin(apiKeys, and(eq(apiKeys.integrationId, integrations.id), liveKey()))
    .where(and(eq(integrations.id, integrationId), isNull(integrations.deletedAt)));
  const first = rows[0];
  if (!first) return null;
  return {
    integrationId: first.integrationId,
    workspaceId: first.workspaceId,
    botId: first.bot.id,
    plan: first.plan,
    allowedIps: first.allowedIps,
    returnSources: first.returnSources,
    keys: rows
      .filter((r) => r.keyId && r.keyHash)
      .map((r) => ({ id: r.keyId!, hash: r.keyHash!, expiresAt: r.keyExpiresAt })),
    bot: first.bot,
    endUserLimits: { requestsPerMinute: first.userRequestsPerMinute, messagesPerMonth: first.userMessagesPerMonth },
  };
}

/** Records use of a key and its integration; callers throttle it to once a minute per key. */
export async function touchLastUsed(db: Db, { integrationId, keyId }: { integrationId: string; keyId: string }) {
  await db.execute(sql`
    with k as (update api_keys set last_used_at = now() where id = ${keyId}
               and (last_used_at is null or last_used_at < now() - interval '1 minute'))
    update integrations set last_used_at = now() where id = ${integrationId}
      and (last_used_at is null or last_used_at < now() - interval '1 minute')`);
}

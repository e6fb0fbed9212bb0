import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { apiKeys, bots, integrations, workspaces, type Bot, type Integration } from "../schema";
import { cachedApiAuth, invalidateApiAuth } from "./api-auth-cache";
import { writeAudit } from "./accounts";
import { generateApiKey } from "@/lib/api-keys";
import { newId } from "@/lib/ids";

type Scope = { workspaceId: string; integrationId: string };
type Actor = { actorUserId: string | null };

/** Clears the API's cached admission of an integration once its change has committed. */
async function invalidatingAfter<T>(integrationId: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    invalidateApiAuth(integrationId);
  }
}

/** A key that still opens the door: not revoked, not expired (by the database clock). */
const liveKey = () =>
  and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)));

async function insertKey(db: Db, integrationId: string) {
  const { key, hash, hint } = generateApiKey();
  const [row] = await db.insert(apiKeys).values({ id: newId("key"), integrationId, keyHash: hash, hint }).returning();
  return { key, row: row! };
}

/** Creates a Custom API integration for a bot of the same workspace; returns its only plaintext key. */
export async function createIntegration(
  db: Db,
  input: { workspaceId: string; botId: string; name: string; allowedIps?: string[] } & Actor,
): Promise<{ integration: Integration; apiKey: string } | null> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [bot] = await t
      .select({ id: bots.id })
      .from(bots)
      .where(and(eq(bots.id, input.botId), eq(bots.workspaceId, input.workspaceId)));
    if (!bot) return null; // another workspace's bot behaves like a missing one
    const [integration] = await t
      .insert(integrations)
      .values({
        id: newId("int"),
        workspaceId: input.workspaceId,
        botId: bot.id,
        name: input.name,
        allowedIps: input.allowedIps ?? [],
      })
      .returning();
    const { key, row } = await insertKey(t, integration!.id);
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "integration.created",
      targetType: "integration",
      targetId: integration!.id,
      after: { name: integration!.name, botId: bot.id, allowedIps: integration!.allowedIps, keyHint: row.hint },
    });
    return { integration: integration!, apiKey: key };
  });
}

export type IntegrationSummary = {
  id: string;
  name: string;
  type: "custom_api";
  botId: string;
  botName: string;
  allowedIps: string[];
  returnSources: boolean;
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
        where c.integration_id in ${ids} and m.role = 'user'
          and m.created_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
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
    createdAt: i.createdAt,
    lastUsedAt: i.lastUsedAt,
    keys: keys
      .filter((k) => k.integrationId === i.id)
      .map((k) => ({ id: k.id, hint: k.hint, createdAt: k.createdAt, expiresAt: k.expiresAt, lastUsedAt: k.lastUsedAt })),
    messagesThisMonth: countBy.get(i.id) ?? 0,
  }));
}

/** One live integration of the workspace, or undefined (also for another workspace's id). */
export async function getIntegration(db: Db, { workspaceId, integrationId }: Scope) {
  return (await listIntegrations(db, workspaceId, integrationId))[0];
}

/** Locks the workspace's live integration row for the rest of the transaction. */
async function lockIntegration(db: Db, { workspaceId, integrationId }: Scope) {
  const [row] = await db
    .select()
    .from(integrations)
    .where(and(eq(integrations.id, integrationId), eq(integrations.workspaceId, workspaceId), isNull(integrations.deletedAt)))
    .for("update");
  return row;
}

/** Replaces the allowed IPs (already canonical CIDRs). Takes effect on the API's next request. */
export async function setAllowedIps(db: Db, input: Scope & Actor & { cidrs: string[] }): Promise<Integration | null> {
  return invalidatingAfter(input.integrationId, db.transaction(async (tx) => {
    const t = tx as unknown as Db;
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
  }));
}

/** Renames the integration, points it at another bot of the workspace, or toggles `sources` in replies. */
export async function updateIntegration(
  db: Db,
  input: Scope & Actor & { name?: string; botId?: string; returnSources?: boolean },
): Promise<Integration | null> {
  return invalidatingAfter(input.integrationId, db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const before = await lockIntegration(t, input);
    if (!before) return null;
    if (input.botId) {
      const [bot] = await t.select({ id: bots.id }).from(bots).where(and(eq(bots.id, input.botId), eq(bots.workspaceId, input.workspaceId)));
      if (!bot) return null;
    }
    const [after] = await t
      .update(integrations)
      .set({ name: input.name ?? before.name, botId: input.botId ?? before.botId, returnSources: input.returnSources ?? before.returnSources })
      .where(eq(integrations.id, before.id))
      .returning();
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "integration.updated",
      targetType: "integration",
      targetId: before.id,
      before: { name: before.name, botId: before.botId, returnSources: before.returnSources },
      after: { name: after!.name, botId: after!.botId, returnSources: after!.returnSources },
    });
    return after!;
  }));
}

export const GRACE_PERIODS = { none: 0, "1h": 3600, "24h": 86_400, "7d": 604_800 } as const;
export type GracePeriod = keyof typeof GRACE_PERIODS;

/**
 * Issues a new key for the same integration. The newest previous key lives on for the grace period
 * (never longer than it already would); any older live key is revoked now, so at most two keys work.
 */
export async function rollApiKey(db: Db, input: Scope & Actor & { grace: GracePeriod }): Promise<{ apiKey: string; hint: string } | null> {
  return invalidatingAfter(input.integrationId, db.transaction(async (tx) => {
    const t = tx as unknown as Db;
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
        await t.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, previous.id));
      } else {
        await t
          .update(apiKeys)
          .set({ expiresAt: sql`least(now() + make_interval(secs => ${graceSeconds}), coalesce(${apiKeys.expiresAt}, 'infinity'))` })
          .where(eq(apiKeys.id, previous.id));
      }
    }
    for (const k of older) await t.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, k.id));
    const { key, row } = await insertKey(t, integration.id);
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "integration.key_rolled",
      targetType: "integration",
      targetId: integration.id,
      before: { liveKeys: live.map((k) => k.hint) },
      after: { newKey: row.hint, grace: input.grace, revoked: (graceSeconds === 0 ? live : older).map((k) => k.hint) },
    });
    return { apiKey: key, hint: row.hint };
  }));
}

async function softDelete(t: Db, integration: Integration) {
  await t.update(integrations).set({ deletedAt: sql`now()` }).where(eq(integrations.id, integration.id));
  await t
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.integrationId, integration.id), isNull(apiKeys.revokedAt)));
}

/** Deletes the integration: its endpoint answers 404 at once; its conversations stay in the inbox. */
export async function deleteIntegration(db: Db, input: Scope & Actor): Promise<boolean> {
  return invalidatingAfter(input.integrationId, db.transaction(async (tx) => {
    const t = tx as unknown as Db;
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
  }));
}

/** Deletes the integration and creates a new one with the same name, bot and allowed IPs, in one step. */
export async function recreateIntegration(
  db: Db,
  input: Scope & Actor,
): Promise<{ integration: Integration; apiKey: string } | null> {
  return invalidatingAfter(input.integrationId, db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const old = await lockIntegration(t, input);
    if (!old) return null;
    await softDelete(t, old);
    const [integration] = await t
      .insert(integrations)
      .values({
        id: newId("int"),
        workspaceId: old.workspaceId,
        botId: old.botId,
        name: old.name,
        allowedIps: old.allowedIps,
        returnSources: old.returnSources,
      })
      .returning();
    const { key, row } = await insertKey(t, integration!.id);
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "integration.recreated",
      targetType: "integration",
      targetId: integration!.id,
      before: { id: old.id },
      after: { id: integration!.id, name: integration!.name, keyHint: row.hint },
    });
    return { integration: integration!, apiKey: key };
  }));
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
};

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
    keys: rows.filter((r) => r.keyId && r.keyHash).map((r) => ({ id: r.keyId!, hash: r.keyHash!, expiresAt: r.keyExpiresAt })),
    bot: first.bot,
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

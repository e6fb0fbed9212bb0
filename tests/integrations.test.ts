import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { apiKeys, auditLog, bots, DEFAULT_WIDGET, integrations } from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import {
  createIntegration,
  createWidgetIntegration,
  deleteIntegration,
  getIntegration,
  listIntegrations,
  loadApiAuth,
  recreateIntegration,
  rollApiKey,
  setAllowedIps,
  updateIntegration,
} from "@/db/queries/integrations";
import { matchesAnyHash } from "@/lib/api-keys";
import { newId } from "@/lib/ids";
import { can } from "@/lib/permissions";
import type { Role } from "@/db/schema";
import { openTestDb } from "./db";

let h: DbHandle;
let mine: { workspaceId: string; userId: string; botId: string };
let theirs: { workspaceId: string; userId: string; botId: string };

async function makeWorkspace(label: string) {
  const made = await createUserWithWorkspace(h.db, {
    email: `${label}-${newId("usr")}@example.com`,
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

/** True when the key opens the integration right now (what the Chat API checks). */
async function keyWorks(integrationId: string, key: string) {
  const auth = await loadApiAuth(h.db, integrationId);
  return (
    !!auth &&
    matchesAnyHash(
      key,
      auth.keys.map((k) => k.hash),
    ) >= 0
  );
}

beforeAll(async () => {
  h = await openTestDb();
  mine = await makeWorkspace("mine");
  theirs = await makeWorkspace("theirs");
});
afterAll(async () => {
  await h.close();
});

describe("creating an integration", () => {
  it("returns a working key once, stores only its hash and hint, and audits the creation", async () => {
    const made = await createIntegration(h.db, {
      workspaceId: mine.workspaceId,
      botId: mine.botId,
      name: "Website",
      actorUserId: mine.userId,
    });
    expect(made!.apiKey).toMatch(/^sk-parley_[0-9A-Za-z]{38}$/);
    expect(await keyWorks(made!.integration.id, made!.apiKey)).toBe(true);
    const [stored] = await h.db.select().from(apiKeys).where(eq(apiKeys.integrationId, made!.integration.id));
    expect(stored!.hint).toBe(made!.apiKey.slice(-4));
    expect(stored!.keyHash).toHaveLength(32);
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.targetId, made!.integration.id));
    expect(audit.map((a) => a.action)).toEqual(["integration.created"]);
    expect(JSON.stringify(audit)).not.toContain(made!.apiKey);
  });

  it("refuses another workspace's bot as if it did not exist", async () => {
    const made = await createIntegration(h.db, {
      workspaceId: mine.workspaceId,
      botId: theirs.botId,
      name: "Sneaky",
      actorUserId: mine.userId,
    });
    expect(made).toBeNull();
    const [{ n }] = (await h.db
      .select({ n: sql<number>`count(*)::int` })
      .from(integrations)
      .where(eq(integrations.name, "Sneaky"))) as [{ n: number }];
    expect(n).toBe(0);
  });
});

describe("tenancy: another workspace's integration id changes nothing", () => {
  it("for every mutation", async () => {
    const target = await createIntegration(h.db, {
      workspaceId: theirs.workspaceId,
      botId: theirs.botId,
      name: "Theirs",
      actorUserId: theirs.userId,
    });
    const id = target!.integration.id;
    const scope = { workspaceId: mine.workspaceId, integrationId: id, actorUserId: mine.userId };
    const before = await h.db.select().from(integrations).where(eq(integrations.id, id));
    const keysBefore = await h.db.select().from(apiKeys).where(eq(apiKeys.integrationId, id));

    expect(await getIntegration(h.db, scope)).toBeUndefined();
    expect(await setAllowedIps(h.db, { ...scope, cidrs: ["10.0.0.0/8"] })).toBeNull();
    expect(await updateIntegration(h.db, { ...scope, name: "Renamed", botId: mine.botId })).toBeNull();
    expect(await rollApiKey(h.db, { ...scope, grace: "none" })).toBeNull();
    expect(await deleteIntegration(h.db, scope)).toBe(false);
    expect(await recreateIntegration(h.db, scope)).toBeNull();

    expect(await h.db.select().from(integrations).where(eq(integrations.id, id))).toEqual(before);
    expect(await h.db.select().from(apiKeys).where(eq(apiKeys.integrationId, id))).toEqual(keysBefore);
    expect(await keyWorks(id, target!.apiKey)).toBe(true);
    const audit = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, id), eq(auditLog.workspaceId, mine.workspaceId)));
    expect(audit).toHaveLength(0);
  });

  it("an integration pointed at another workspace's bot is refused", async () => {
    const made = await createIntegration(h.db, {
      workspaceId: mine.workspaceId,
      botId: mine.botId,
      name: "Mine",
      actorUserId: mine.userId,
    });
    expect(
      await updateIntegration(h.db, {
        workspaceId: mine.workspaceId,
        integrationId: made!.integration.id,
        actorUserId: mine.userId,
        botId: theirs.botId,
      }),
    ).toBeNull();
  });
});

describe("one update for both types", () => {
  it("changes a widget's websites and appearance with an entry naming them; a Custom API has none to change", async () => {
    const scope = { workspaceId: mine.workspaceId, actorUserId: mine.userId };
    const widget = await createWidgetIntegration(h.db, {
      ...scope,
      botId: mine.botId,
      name: "Shop chat",
      allowedOrigins: ["https://www.example.com"],
      widget: DEFAULT_WIDGET,
    });
    const look = { ...DEFAULT_WIDGET, title: "Ask us" };
    const updated = await updateIntegration(h.db, {
      ...scope,
      integrationId: widget!.id,
      name: "Shop",
      allowedOrigins: ["https://shop.example.com"],
      widget: look,
    });
    expect(updated).toMatchObject({ name: "Shop", allowedOrigins: ["https://shop.example.com"], widget: look });
    const [entry] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, widget!.id), eq(auditLog.action, "integration.updated")));
    expect(entry!.before).toMatchObject({ name: "Shop chat", allowedOrigins: ["https://www.example.com"] });
    expect(entry!.after).toMatchObject({ name: "Shop", allowedOrigins: ["https://shop.example.com"], widget: look });

    const api = await createIntegration(h.db, { ...scope, botId: mine.botId, name: "API" });
    const apiScope = { ...scope, integrationId: api!.integration.id };
    const before = await h.db.select().from(integrations).where(eq(integrations.id, api!.integration.id));
    expect(await updateIntegration(h.db, { ...apiScope, name: "Renamed", widget: look })).toBeNull();
    expect(await updateIntegration(h.db, { ...apiScope, allowedOrigins: ["https://www.example.com"] })).toBeNull();
    expect(await h.db.select().from(integrations).where(eq(integrations.id, api!.integration.id))).toEqual(before);
    const renamed = await updateIntegration(h.db, { ...apiScope, name: "Renamed" });
    expect(renamed!.name).toBe("Renamed");
    const [apiEntry] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, api!.integration.id), eq(auditLog.action, "integration.updated")));
    expect(Object.keys(apiEntry!.after as object).sort()).toEqual(["botId", "name", "returnSources"]);
  });
});

describe("rolling a key", () => {
  it("keeps the old key for the grace period, and at most two keys work", async () => {
    const made = await createIntegration(h.db, {
      workspaceId: mine.workspaceId,
      botId: mine.botId,
      name: "Roll",
      actorUserId: mine.userId,
    });
    const scope = { workspaceId: mine.workspaceId, integrationId: made!.integration.id, actorUserId: mine.userId };
    const first = made!.apiKey;
    const second = (await rollApiKey(h.db, { ...scope, grace: "24h" }))!.apiKey;
    expect(await keyWorks(scope.integrationId, first)).toBe(true);
    expect(await keyWorks(scope.integrationId, second)).toBe(true);
    const [old] = await h.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.hint, first.slice(-4)));
    const hoursLeft = (old!.expiresAt!.getTime() - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(23.9);
    expect(hoursLeft).toBeLessThanOrEqual(24);

    const third = (await rollApiKey(h.db, { ...scope, grace: "7d" }))!.apiKey;
    expect(await keyWorks(scope.integrationId, first)).toBe(false); // the oldest stops: two live keys at most
    expect(await keyWorks(scope.integrationId, second)).toBe(true);
    expect(await keyWorks(scope.integrationId, third)).toBe(true);
    expect((await loadApiAuth(h.db, scope.integrationId))!.keys).toHaveLength(2);

    // a grace period never extends a key that already expires sooner
    const [secondRow] = await h.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.hint, second.slice(-4)));
    expect(secondRow!.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);

    const fourth = (await rollApiKey(h.db, { ...scope, grace: "none" }))!.apiKey;
    expect(await keyWorks(scope.integrationId, second)).toBe(false);
    expect(await keyWorks(scope.integrationId, third)).toBe(false);
    expect(await keyWorks(scope.integrationId, fourth)).toBe(true);
    const audit = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, scope.integrationId), eq(auditLog.action, "integration.key_rolled")));
    expect(audit).toHaveLength(3);
  });
});

describe("allowed IPs, delete and recreate", () => {
  it("saves the allowlist with before/after in the audit log", async () => {
    const made = await createIntegration(h.db, {
      workspaceId: mine.workspaceId,
      botId: mine.botId,
      name: "IPs",
      actorUserId: mine.userId,
    });
    const scope = { workspaceId: mine.workspaceId, integrationId: made!.integration.id, actorUserId: mine.userId };
    await setAllowedIps(h.db, { ...scope, cidrs: ["203.0.113.0/24"] });
    expect((await loadApiAuth(h.db, scope.integrationId))!.allowedIps).toEqual(["203.0.113.0/24"]);
    const [row] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, scope.integrationId), eq(auditLog.action, "integration.allowlist_changed")));
    expect(row!.before).toEqual({ allowedIps: [] });
    expect(row!.after).toEqual({ allowedIps: ["203.0.113.0/24"] });
  });

  it("delete makes the endpoint unknown at once; recreate moves name, bot and IPs to a new id with a new key", async () => {
    const made = await createIntegration(h.db, {
      workspaceId: mine.workspaceId,
      botId: mine.botId,
      name: "Recreate me",
      actorUserId: mine.userId,
      allowedIps: ["10.0.0.0/8"],
    });
    const scope = { workspaceId: mine.workspaceId, integrationId: made!.integration.id, actorUserId: mine.userId };
    const again = await recreateIntegration(h.db, scope);
    expect(again!.integration.id).not.toBe(made!.integration.id);
    expect(again!.integration).toMatchObject({ name: "Recreate me", botId: mine.botId, allowedIps: ["10.0.0.0/8"] });
    expect(await loadApiAuth(h.db, made!.integration.id)).toBeNull();
    expect(await keyWorks(again!.integration.id, again!.apiKey)).toBe(true);
    expect(await keyWorks(again!.integration.id, made!.apiKey)).toBe(false);

    expect(await deleteIntegration(h.db, { ...scope, integrationId: again!.integration.id })).toBe(true);
    expect(await loadApiAuth(h.db, again!.integration.id)).toBeNull();
    expect((await listIntegrations(h.db, mine.workspaceId)).map((i) => i.id)).not.toContain(again!.integration.id);
    expect(await deleteIntegration(h.db, { ...scope, integrationId: again!.integration.id })).toBe(false);
  });
});

describe("roles", () => {
  it("only owners and admins manage integrations; viewers read only", () => {
    const table: Record<Role, boolean> = { owner: true, admin: true, member: false, viewer: false };
    for (const [role, allowed] of Object.entries(table) as [Role, boolean][]) {
      expect(can(role, "manage_integrations"), role).toBe(allowed);
      expect(can(role, "read"), role).toBe(true);
    }
    expect(can("viewer", "work_inbox")).toBe(false);
    expect(can("member", "work_inbox")).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { invalidateApiAuth } from "@/db/queries/api-auth-cache";
import { loadApiAuth, rollApiKey, setAllowedIps } from "@/db/queries/integrations";
import { apiKeys } from "@/db/schema";
import { openTestDb } from "./db";
import { createTenant, type Tenant } from "./fixtures/api-server";

let h: DbHandle;
let t: Tenant;
beforeAll(async () => {
  h = await openTestDb();
  t = await createTenant(h.db, { knowledge: false });
});
afterAll(async () => {
  await h.close();
});

describe("the Chat API's admission cache", () => {
  it("serves repeated lookups from memory, and a change made through the app clears it at once", async () => {
    const first = await loadApiAuth(h.db, t.integrationId);
    // a write that bypasses the app is not seen until the entry expires or is cleared…
    await h.db.execute(sql`update integrations set allowed_ips = '{203.0.113.0/24}' where id = ${t.integrationId}`);
    expect((await loadApiAuth(h.db, t.integrationId))!.allowedIps).toEqual(first!.allowedIps);
    invalidateApiAuth(t.integrationId);
    expect((await loadApiAuth(h.db, t.integrationId))!.allowedIps).toEqual(["203.0.113.0/24"]);
    // …while a change through db/queries takes effect on the very next lookup
    await setAllowedIps(h.db, {
      workspaceId: t.workspaceId,
      integrationId: t.integrationId,
      actorUserId: t.userId,
      cidrs: [],
    });
    expect((await loadApiAuth(h.db, t.integrationId))!.allowedIps).toEqual([]);
    await rollApiKey(h.db, {
      workspaceId: t.workspaceId,
      integrationId: t.integrationId,
      actorUserId: t.userId,
      grace: "none",
    });
    const live = await h.db.select().from(apiKeys).where(eq(apiKeys.integrationId, t.integrationId));
    expect((await loadApiAuth(h.db, t.integrationId))!.keys.map((k) => k.id)).toEqual(
      live.filter((k) => !k.revokedAt).map((k) => k.id),
    );
  });

  it("expires entries after PARLEY_AUTH_CACHE_MS, and 0 turns it off", async () => {
    process.env.PARLEY_AUTH_CACHE_MS = "0";
    try {
      await h.db.execute(sql`update integrations set return_sources = true where id = ${t.integrationId}`);
      expect((await loadApiAuth(h.db, t.integrationId))!.returnSources).toBe(true);
      await h.db.execute(sql`update integrations set return_sources = false where id = ${t.integrationId}`);
      expect((await loadApiAuth(h.db, t.integrationId))!.returnSources).toBe(false);
    } finally {
      delete process.env.PARLEY_AUTH_CACHE_MS;
    }
  });
});

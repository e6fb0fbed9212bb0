/**
 * The Chat API for businesses that keep their own records (issue 15): the paginated list of an
 * integration's conversations (opaque cursor, user_id and since filters) with its bad-input rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { setAllowedIps } from "@/db/queries/integrations";
import { conversations } from "@/db/schema";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { addIntegration, createTenant, postChat, type ApiServer, type Tenant } from "./fixtures/api-server";

let h: DbHandle;
let api: ApiServer;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
});
afterAll(async () => {
  await suite?.close();
});

type Listed = {
  id: string;
  user_id: string | null;
  status: string;
  handoff: boolean;
  created_at: string;
  last_message_at: string;
  message_count: number;
};

const chat = (t: Pick<Tenant, "integrationId" | "apiKey">, body: Record<string, unknown>) =>
  postChat(api.url, t.integrationId, t.apiKey, body);

async function list(t: Pick<Tenant, "integrationId" | "apiKey">, query = "", headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}/chat/custom/${t.integrationId}/conversations${query}`, {
    headers: { "x-api-key": t.apiKey, ...headers },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** Every page from the start, following next_cursor. */
async function listAll(t: Tenant, query: string, limit: number) {
  const pages: Listed[][] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams(query);
    qs.set("limit", String(limit));
    if (cursor) qs.set("cursor", cursor);
    const r = await list(t, `?${qs}`);
    expect(r.status).toBe(200);
    pages.push(r.body.conversations);
    expect(r.body.has_more).toBe(r.body.next_cursor !== null);
    cursor = r.body.next_cursor;
  } while (cursor && pages.length < 50);
  return pages;
}

/** Sets a conversation's last activity (the list's order and `since`). */
const setActivity = (id: string, at: string) =>
  h.db
    .update(conversations)
    .set({ lastMessageAt: sql`${at}::timestamptz` })
    .where(eq(conversations.id, id));

describe("GET /chat/custom/:integrationId/conversations", () => {
  it("lists the integration's conversations by last activity, oldest first, with their users and message counts", async () => {
    const t = await createTenant(h.db);
    const neighbour = await addIntegration(h.db, t);
    const a = (await chat(t, { message: "What are your opening hours?", user_id: "u-a" })).body.conversation_id;
    const b = (await chat(t, { message: "Do you ship to Canada?" })).body.conversation_id;
    await chat(t, { message: "And to Mexico?", conversation_id: a, user_id: "u-a" });
    await chat(neighbour, { message: "Not on this integration", user_id: "u-a" });

    const r = await list(t);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    expect(r.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(r.body.conversations.map((c: Listed) => c.id)).toEqual([b, a]); // a was active last
    const [first, second] = r.body.conversations as Listed[];
    expect(first).toMatchObject({ id: b, user_id: null, status: "bot", handoff: false, message_count: 2 });
    expect(second).toMatchObject({ id: a, user_id: "u-a", status: "bot", handoff: false, message_count: 4 });
    expect(Date.parse(second!.last_message_at)).toBeGreaterThanOrEqual(Date.parse(first!.last_message_at));
    expect(Date.parse(second!.created_at)).toBeLessThanOrEqual(Date.parse(second!.last_message_at));
  });

  it("pages through every conversation exactly once, ties in last activity included", async () => {
    const t = await createTenant(h.db, { knowledge: false });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await chat(t, { message: `Question ${i}` })).body.conversation_id);
    // Three share one instant (to the microsecond) and two another: the cursor must break ties by id.
    for (const id of ids.slice(0, 3)) await setActivity(id, "2026-05-01T10:00:00.123456Z");
    for (const id of ids.slice(3, 5)) await setActivity(id, "2026-05-01T10:00:00.123457Z");

    const pages = await listAll(t, "", 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    const seen = pages.flat().map((c) => c.id);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen.slice(0, 3)).toEqual([...ids.slice(0, 3)].sort());
    expect(seen.slice(3, 5)).toEqual([...ids.slice(3, 5)].sort());
    expect(seen.slice(5)).toEqual(ids.slice(5)); // real activity, after the 2026-05-01 ones

    // A conversation that gets a message while a client pages moves to the end: it is seen again, never skipped.
    const firstPage = await list(t, "?limit=3");
    await chat(t, { message: "One more thing", conversation_id: ids[0] });
    const rest = await list(t, `?limit=100&cursor=${firstPage.body.next_cursor}`);
    expect(rest.body.conversations.map((c: Listed) => c.id)).toEqual([...seen.slice(3), ids[0]]);
  });

  it("filters by user_id and by since (inclusive)", async () => {
    const t = await createTenant(h.db, { knowledge: false });
    const mine = (await chat(t, { message: "Hi", user_id: "user:42 ü" })).body.conversation_id;
    const mine2 = (await chat(t, { message: "Hi again", user_id: "user:42 ü" })).body.conversation_id;
    const theirs = (await chat(t, { message: "Hello", user_id: "user:43" })).body.conversation_id;
    await setActivity(mine, "2026-01-31T23:59:59.999999Z");
    await setActivity(mine2, "2026-02-01T00:00:00Z");
    await setActivity(theirs, "2026-02-02T08:00:00Z");

    const byUser = await list(t, `?user_id=${encodeURIComponent("user:42 ü")}`);
    expect(byUser.body.conversations.map((c: Listed) => c.id)).toEqual([mine, mine2]);
    expect(byUser.body.conversations.every((c: Listed) => c.user_id === "user:42 ü")).toBe(true);

    expect((await list(t, "?since=2026-02-01")).body.conversations.map((c: Listed) => c.id)).toEqual([mine2, theirs]);
    const midnight = await list(t, `?since=${encodeURIComponent("2026-02-01T02:00:00+02:00")}`);
    expect(midnight.body.conversations.map((c: Listed) => c.id)).toEqual([mine2, theirs]);
    const hourBefore = await list(t, `?since=${encodeURIComponent("2026-02-01T01:00:00+02:00")}`); // 23:00 UTC
    expect(hourBefore.body.conversations.map((c: Listed) => c.id)).toEqual([mine, mine2, theirs]);
    const both = await list(t, `?since=2026-02-01T00:00:00Z&user_id=${encodeURIComponent("user:42 ü")}`);
    expect(both.body.conversations.map((c: Listed) => c.id)).toEqual([mine2]);
    expect((await list(t, "?user_id=nobody")).body).toEqual({ conversations: [], has_more: false, next_cursor: null });
    expect((await list(t, "?since=2030-01-01T00:00:00Z")).body.conversations).toEqual([]);
  });

  it("refuses bad query parameters with 400 invalid_field naming the parameter", async () => {
    const t = await createTenant(h.db, { knowledge: false });
    await chat(t, { message: "Hi" });
    await chat(t, { message: "Hi there" });
    const next = (await list(t, "?limit=1")).body.next_cursor as string;
    expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(next, "base64url").toString();
    const rows: Array<[string, string]> = [
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?limit=-1", "limit"],
      ["?limit=1.5", "limit"],
      ["?limit=ten", "limit"],
      ["?limit=", "limit"],
      ["?limit=1&limit=2", "limit"],
      ["?since=yesterday", "since"],
      ["?since=1767225600", "since"],
      ["?since=2026-13-01", "since"],
      ["?since=2026-02-30T00:00:00Z", "since"],
      ["?since=2026-02-01T00:00:00", "since"], // no time zone: whose midnight?
      ["?since=", "since"],
      ["?user_id=", "user_id"],
      [`?user_id=${"x".repeat(129)}`, "user_id"],
      ["?user_id=a%0Ab", "user_id"],
      ["?user_id=a&user_id=b", "user_id"],
      ["?cursor=", "cursor"],
      ["?cursor=not-a-cursor", "cursor"],
      [`?cursor=${next}x`, "cursor"],
      [`?cursor=${Buffer.from(decoded.replace(/conv_/, "msg_")).toString("base64url")}`, "cursor"],
      [`?cursor=${Buffer.from(decoded.replace(/:(\d+):/, ":-1:")).toString("base64url")}`, "cursor"],
      [`?cursor=${"A".repeat(300)}`, "cursor"],
    ];
    for (const [query, field] of rows) {
      const r = await list(t, query);
      expect({ query, status: r.status, code: r.body.error?.code }).toEqual({
        query,
        status: 400,
        code: "invalid_field",
      });
      expect(r.body.error.message, query).toContain(`\`${field}\``);
    }
    // Unknown parameters are ignored, as unknown body fields are.
    expect((await list(t, "?order=desc&foo=1")).status).toBe(200);
  });

  it("has the same key, IP and integration rules as the rest of the Chat API", async () => {
    const t = await createTenant(h.db, { knowledge: false });
    const other = await createTenant(h.db, { knowledge: false });
    const codeOf = async (r: Promise<{ status: number; body: any }>) => {
      const { status, body } = await r;
      return [status, body.error?.code];
    };
    expect(await codeOf(list({ ...t, apiKey: "" }))).toEqual([401, "missing_api_key"]);
    expect(await codeOf(list({ ...t, apiKey: other.apiKey }))).toEqual([401, "invalid_api_key"]);
    expect(await codeOf(list({ ...t, integrationId: "int_0000000000000000000000" }))).toEqual([
      404,
      "integration_not_found",
    ]);
    expect(await codeOf(list({ ...t, integrationId: "nope" }))).toEqual([404, "integration_not_found"]);
    // The key is checked before the query string.
    expect(await codeOf(list({ ...t, apiKey: other.apiKey }, "?limit=0"))).toEqual([401, "invalid_api_key"]);
    await setAllowedIps(h.db, { ...t, cidrs: ["203.0.113.0/24"], actorUserId: t.userId });
    expect(await codeOf(list(t))).toEqual([403, "ip_not_allowed"]);
    await setAllowedIps(h.db, { ...t, cidrs: ["127.0.0.1/32"], actorUserId: t.userId });
    expect((await list(t)).status).toBe(200);

    const post = await fetch(`${api.url}/chat/custom/${t.integrationId}/conversations`, {
      method: "POST",
      headers: { "x-api-key": t.apiKey },
    });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});

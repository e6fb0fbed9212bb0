/**
 * Erasure through the Chat API (issue 15): DELETE /chat/custom/:integrationId/users/:userId removes
 * everything of that end user in the integration's workspace. The proof scans every column of every
 * table the database has (from information_schema, so a table added later is covered too) for the
 * user's id and the words they and the team wrote, before (the scan finds them) and after (nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Db, type DbHandle } from "@/db";
import { replyAsTeamMember } from "@/db/queries/handoff";
import { setAllowedIps } from "@/db/queries/integrations";
import {
  auditLog,
  bots,
  conversations,
  leads,
  messages,
  webhookDeliveries,
  webhooks,
  DEFAULT_LEAD_CAPTURE,
} from "@/db/schema";
import { newId, randomBase62 } from "@/lib/ids";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { createHash } from "node:crypto";
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

type Client = Pick<Tenant, "integrationId" | "apiKey">;
const chat = (t: Client, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  postChat(api.url, t.integrationId, t.apiKey, body, headers);

function erase(t: Client, userId: string, opts: { raw?: boolean } = {}) {
  const segment = opts.raw ? userId : encodeURIComponent(userId);
  return fetch(`${api.url}/chat/custom/${t.integrationId}/users/${segment}`, {
    method: "DELETE",
    headers: { "x-api-key": t.apiKey },
  }).then(async (res) => ({ status: res.status, headers: res.headers, body: (await res.json()) as any }));
}

/**
 * Where each needle still stands: every table of every schema but PostgreSQL's own, each row read
 * whole as text (all its columns, JSON and arrays included). Returns "table: needle × rows" lines.
 */
async function scanEveryTable(db: Db, needles: string[]): Promise<string[]> {
  const tables = await queryRows<{ table_schema: string; table_name: string }>(
    db,
    sql`select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
        order by 1, 2`,
  );
  expect(tables.length).toBeGreaterThan(15);
  const hits: string[] = [];
  for (const { table_schema, table_name } of tables) {
    const table = sql.raw(`"${table_schema.replaceAll('"', '""')}"."${table_name.replaceAll('"', '""')}"`);
    for (const needle of needles) {
      const [row] = await queryRows<{ n: number | string }>(
        db,
        sql`select count(*) as n from ${table} x where strpos(x::text, ${needle}) > 0`,
      );
      if (Number(row!.n) > 0) hits.push(`${table_schema}.${table_name}: ${needle} × ${row!.n}`);
    }
  }
  return hits;
}

async function tenantWithLeadsAndWebhook() {
  const t = await createTenant(h.db);
  await h.db
    .update(bots)
    .set({ leadCapture: { ...DEFAULT_LEAD_CAPTURE, enabled: true } })
    .where(eq(bots.id, t.botId));
  await h.db.insert(webhooks).values({
    id: newId("wh"),
    workspaceId: t.workspaceId,
    url: "https://hooks.example.com/parley",
    secret: "s",
    events: [...WEBHOOK_EVENTS],
  });
  return t;
}

describe("DELETE /chat/custom/:integrationId/users/:userId", () => {
  it("leaves no row anywhere with the user's id or words, and records the erasure without them", async () => {
    const t = await tenantWithLeadsAndWebhook();
    const second = await addIntegration(h.db, t); // erasure covers the whole workspace
    const tag = randomBase62(10);
    const userId = `erase-${tag}`;
    const email = `person-${tag.toLowerCase()}@example.com`;
    const words = {
      first: `Quokka-${tag} wants to know your opening hours`,
      lead: `My email is ${email}, call me about pricing`,
      handoff: `Wombat-${tag} says: I want to talk to a human`,
      team: `Numbat-${tag}: this is Sam from the team`,
      idem: `Bilby-${tag} asks again`,
      other: `Dingo-${tag} on the second integration`,
      widget: `Echidna-${tag} from the website`,
      feedback: `Platypus-${tag}: that answer did not help`,
    };

    // A conversation with a lead, a handoff, a team reply and an idempotent request; another on the
    // second integration; a verified website visitor who is the same user.
    const first = await chat(t, { message: words.first, user_id: userId });
    const c1 = first.body.conversation_id as string;
    // A thumbs-down with a comment (the feedback table, the unanswered list, feedback.created).
    const rated = await fetch(`${api.url}/chat/custom/${t.integrationId}/messages/${first.body.message_id}/feedback`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": t.apiKey },
      body: JSON.stringify({ rating: "down", comment: words.feedback }),
    });
    expect(rated.status).toBe(200);
    expect((await chat(t, { message: words.lead, user_id: userId, conversation_id: c1 })).status).toBe(200);
    const idem = await chat(
      t,
      { message: words.idem, user_id: userId, conversation_id: c1 },
      { "Idempotency-Key": `idem-${tag}` },
    );
    expect(idem.status).toBe(200);
    await chat(t, { message: words.handoff, user_id: userId, conversation_id: c1 });
    await replyAsTeamMember(h.db, {
      workspaceId: t.workspaceId,
      conversationId: c1,
      userId: t.userId,
      content: words.team,
    });
    const c2 = (await chat(second, { message: words.other, user_id: userId })).body.conversation_id as string;
    const c3 = newId("conv");
    await h.db.insert(conversations).values({
      id: c3,
      workspaceId: t.workspaceId,
      botId: t.botId,
      integrationId: second.integrationId,
      externalUserId: `user:${userId}`,
      channel: "widget",
    });
    await h.db.insert(messages).values({ id: newId("msg"), conversationId: c3, role: "user", content: words.widget });

    const needles = [userId, email, `idem-${tag}`, ...Object.values(words)];
    const before = await scanEveryTable(h.db, needles);
    // The scan sees what it must: the conversations, messages, lead, queued payloads and stored response.
    for (const table of [
      "conversations",
      "messages",
      "leads",
      "webhook_deliveries",
      "idempotency_keys",
      "message_feedback",
    ])
      expect(
        before.some((hit) => hit.startsWith(`public.${table}:`)),
        table,
      ).toBe(true);
    const userMessages = await h.db.$count(
      messages,
      sql`${messages.conversationId} in (${sql.join(
        [c1, c2, c3].map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );

    const r = await erase(t, userId);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    expect(r.body).toEqual({
      erasure_id: expect.stringMatching(/^era_[0-9A-Za-z]{22}$/),
      user_id: userId,
      erased: { conversations: 3, messages: userMessages, leads: 1 },
    });

    expect(await scanEveryTable(h.db, needles)).toEqual([]);

    const digest = createHash("sha256").update(userId).digest("hex");
    const [audit] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, t.workspaceId), eq(auditLog.action, "end_user.erased")));
    expect(audit).toMatchObject({
      actorUserId: null,
      targetType: "end_user",
      targetId: r.body.erasure_id,
      after: { integrationId: t.integrationId, userIdSha256: digest, conversations: 3, leads: 1 },
    });
    const [event] = await h.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.workspaceId, t.workspaceId), eq(webhookDeliveries.event, "user.erased")));
    expect((event!.payload as { data: unknown }).data).toEqual({
      erasure_id: r.body.erasure_id,
      integration_id: t.integrationId,
      user_id_sha256: digest,
      conversations: 3,
      messages: userMessages,
      leads: 1,
    });

    // Again: nothing left to erase, and that is recorded too.
    const again = await erase(t, userId);
    expect(again.body.erased).toEqual({ conversations: 0, messages: 0, leads: 0 });
    expect(again.body.erasure_id).not.toBe(r.body.erasure_id);
  });

  it("erases only that user in that workspace: a neighbour, the same id in another workspace and their leads stay", async () => {
    const t = await tenantWithLeadsAndWebhook();
    const elsewhere = await tenantWithLeadsAndWebhook();
    const userId = `shared-${randomBase62(8)}`;
    const gone = (await chat(t, { message: "My email is gone@example.com", user_id: userId })).body.conversation_id;
    const neighbour = (await chat(t, { message: "My email is stays@example.com", user_id: `${userId}-2` })).body
      .conversation_id;
    const anonymous = (await chat(t, { message: "No user id here" })).body.conversation_id;
    const other = (await chat(elsewhere, { message: "My email is other@example.com", user_id: userId })).body
      .conversation_id;
    // The same person's lead also links a conversation of another user id: the lead goes, that conversation stays.
    const [lead] = await h.db.select().from(leads).where(eq(leads.email, "gone@example.com"));
    await h.db.update(conversations).set({ leadId: lead!.id }).where(eq(conversations.id, anonymous));

    const r = await erase(t, userId);
    expect(r.body.erased).toMatchObject({ conversations: 1, leads: 1 });
    const left = async (id: string) => h.db.$count(conversations, eq(conversations.id, id));
    expect(await left(gone)).toBe(0);
    expect(await left(neighbour)).toBe(1);
    expect(await left(anonymous)).toBe(1);
    expect(await left(other)).toBe(1);
    expect((await h.db.select().from(conversations).where(eq(conversations.id, anonymous)))[0]!.leadId).toBeNull();
    expect(
      (
        await h.db
          .select({ email: leads.email })
          .from(leads)
          .where(sql`${leads.email} like '%@example.com'`)
      )
        .map((l) => l.email)
        .sort(),
    ).toEqual(expect.arrayContaining(["other@example.com", "stays@example.com"]));
    expect(await h.db.$count(leads, eq(leads.email, "gone@example.com"))).toBe(0);
    expect(await h.db.$count(messages, eq(messages.conversationId, other))).toBe(2);
  });

  it("refuses bad user ids, and keeps the key, IP and integration rules (erasing nothing)", async () => {
    const t = await createTenant(h.db, { knowledge: false });
    const other = await createTenant(h.db, { knowledge: false });
    const userId = "keep-me";
    await chat(t, { message: "Hello", user_id: userId });
    const codeOf = async (r: Promise<{ status: number; body: any }>) => {
      const { status, body } = await r;
      return [status, body.error?.code];
    };

    expect(await codeOf(erase(t, "x".repeat(129)))).toEqual([400, "invalid_field"]);
    expect(await codeOf(erase(t, "a\nb"))).toEqual([400, "invalid_field"]);
    expect(await codeOf(erase(t, "a\u0000b"))).toEqual([400, "invalid_field"]);
    expect((await erase(t, "a\u0085b")).body.error.message).toContain("control characters");
    expect(await codeOf(erase({ ...t, apiKey: "" }, userId))).toEqual([401, "missing_api_key"]);
    expect(await codeOf(erase({ ...t, apiKey: other.apiKey }, userId))).toEqual([401, "invalid_api_key"]);
    expect(await codeOf(erase({ ...t, integrationId: "int_0000000000000000000000" }, userId))).toEqual([
      404,
      "integration_not_found",
    ]);
    await setAllowedIps(h.db, { ...t, cidrs: ["203.0.113.0/24"], actorUserId: t.userId });
    expect(await codeOf(erase(t, userId))).toEqual([403, "ip_not_allowed"]);
    await setAllowedIps(h.db, { ...t, cidrs: [], actorUserId: t.userId });
    // Another tenant's key on its own endpoint erases in its own workspace only.
    expect((await erase(other, userId)).body.erased.conversations).toBe(0);
    const get = await fetch(`${api.url}/chat/custom/${t.integrationId}/users/${userId}`, {
      headers: { "x-api-key": t.apiKey },
    });
    expect([get.status, get.headers.get("allow")]).toEqual([405, "DELETE"]);

    expect(await h.db.$count(conversations, eq(conversations.externalUserId, userId))).toBe(1);
    expect(
      await h.db.$count(auditLog, and(eq(auditLog.workspaceId, t.workspaceId), eq(auditLog.action, "end_user.erased"))),
    ).toBe(0);
  });
});

/**
 * End users' feedback on the bot's replies (issue 15): POST /chat/custom/:id/messages/:mid/feedback with
 * the Chat API's key and IP rules, idempotent per reply (a second rating updates it), 404 for anything
 * that is not a bot reply of this integration, every bad input refused with nothing stored, the
 * `feedback.created` webhook, the widget's equivalent behind its own admission, the transcript showing
 * it, and the kind of every reply (answer, fallback, handoff) recorded where analytics reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { replyAsTeamMember, takeOverConversation } from "@/db/queries/handoff";
import { getConversationDetail } from "@/db/queries/inbox";
import { createWidgetIntegration } from "@/db/queries/integrations";
import {
  DEFAULT_WIDGET,
  messageFeedback,
  messages,
  webhookDeliveries,
  webhooks,
  type MessageFeedback,
} from "@/db/schema";
import { PEER_IP_HEADER } from "@/lib/client-ip";
import { newId } from "@/lib/ids";
import { handleWidgetFeedback, handleWidgetMessage, handleWidgetSession } from "@/lib/widget/handle-widget-request";
import { MAX_FEEDBACK_COMMENT_CHARS } from "@/lib/validations/limits";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import {
  addIntegration,
  createTenant,
  nodeRequest,
  postChat,
  usedThisMonth,
  type ApiReply,
  type ApiServer,
  type Tenant,
} from "./fixtures/api-server";

process.env.AUTH_SECRET ??= "feedback-test-secret-0123456789";

let suite: ApiSuite;
let h: DbHandle;
let api: ApiServer;
let acme: Tenant;
let other: Tenant;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
  acme = await createTenant(h.db);
  other = await createTenant(h.db);
  await h.db.insert(webhooks).values({
    id: newId("wh"),
    workspaceId: acme.workspaceId,
    url: "https://hooks.example.com/parley",
    secret: "s",
    events: ["feedback.created"],
  });
});
afterAll(async () => {
  await suite?.close();
});

const chat = (body: Record<string, unknown>, t: Tenant = acme) => postChat(api.url, t.integrationId, t.apiKey, body);

function rate(
  messageId: string,
  body: unknown,
  {
    t = acme,
    key = t.apiKey,
    headers = {},
  }: { t?: Tenant; key?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiReply> {
  return fetch(`${api.url}/chat/custom/${t.integrationId}/messages/${messageId}/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key === null ? {} : { "x-api-key": key }), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  }).then(async (res) => {
    const text = await res.text();
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  });
}

const feedbackRows = (): Promise<MessageFeedback[]> =>
  h.db.select().from(messageFeedback).orderBy(asc(messageFeedback.createdAt));
const events = async (messageId: string) =>
  (await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.event, "feedback.created")))
    .map((d) => (d.payload as { data: Record<string, unknown> }).data)
    .filter((d) => d.message_id === messageId);
const replyKind = async (messageId: string) =>
  (await h.db.select({ kind: messages.replyKind }).from(messages).where(eq(messages.id, messageId)))[0]?.kind;

describe("rating a reply through the Chat API", () => {
  it("stores the rating, answers it back, and sends feedback.created once", async () => {
    const answered = await chat({ message: "What does the Pro plan cost?", user_id: "rater-1" });
    expect(answered.status).toBe(200);
    const id = answered.body.message_id as string;
    const used = await usedThisMonth(h.db, acme.workspaceId);

    const res = await rate(id, { rating: "up", comment: "  Exactly what I needed.  " });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    expect(res.body).toEqual({
      message_id: id,
      conversation_id: answered.body.conversation_id,
      rating: "up",
      comment: "Exactly what I needed.",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const [row] = (await feedbackRows()).filter((f) => f.messageId === id);
    expect(row).toMatchObject({ rating: "up", comment: "Exactly what I needed.", workspaceId: acme.workspaceId });
    expect(await events(id)).toEqual([
      {
        message_id: id,
        conversation_id: answered.body.conversation_id,
        integration_id: acme.integrationId,
        bot_id: acme.botId,
        user_id: "rater-1",
        rating: "up",
        comment: "Exactly what I needed.",
        previous_rating: null,
      },
    ]);
    // Feedback is no message: it spends no quota.
    expect(await usedThisMonth(h.db, acme.workspaceId)).toBe(used);
  });

  it("is idempotent per reply: the same rating changes nothing, a new one updates the row and says what it was", async () => {
    const id = (await chat({ message: "How long does shipping take?" })).body.message_id as string;
    const first = await rate(id, { rating: "up" });
    const again = await rate(id, { rating: "up" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await events(id)).toHaveLength(1);

    const changed = await rate(id, { rating: "down", comment: "Too slow for me." });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      rating: "down",
      comment: "Too slow for me.",
      created_at: first.body.created_at,
    });
    expect(new Date(changed.body.updated_at).getTime()).toBeGreaterThanOrEqual(
      new Date(first.body.updated_at).getTime(),
    );
    const rows = (await feedbackRows()).filter((f) => f.messageId === id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rating: "down", comment: "Too slow for me." });
    expect((await events(id)).map((e) => [e.rating, e.previous_rating])).toEqual([
      ["up", null],
      ["down", "up"],
    ]);
    // Dropping the comment is a change too.
    const bare = await rate(id, { rating: "down", comment: null });
    expect(bare.body.comment).toBeNull();
    expect(await events(id)).toHaveLength(3);
  });

  it("twenty first ratings of one reply at once make one row and one event", async () => {
    const id = (await chat({ message: "What are your opening hours?" })).body.message_id as string;
    const all = await Promise.all(Array.from({ length: 20 }, () => rate(id, { rating: "down" })));
    expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect((await feedbackRows()).filter((f) => f.messageId === id)).toHaveLength(1);
    expect(await events(id)).toHaveLength(1);
  });

  it("answers 404 message_not_found for anything but a bot reply of this integration, and stores nothing", async () => {
    const answered = await chat({ message: "Do you ship to Canada?" });
    const conversationId = answered.body.conversation_id as string;
    const [userMessage] = await h.db
      .select({ id: messages.id })
      .from(messages)
      .where(sql`${messages.conversationId} = ${conversationId} and ${messages.role} = 'user'`);
    await takeOverConversation(h.db, { workspaceId: acme.workspaceId, conversationId, userId: acme.userId });
    const team = await replyAsTeamMember(h.db, {
      workspaceId: acme.workspaceId,
      conversationId,
      userId: acme.userId,
      content: "Yes, we do.",
    });
    const teamId = (
      await h.db
        .select({ id: messages.id })
        .from(messages)
        .where(sql`${messages.conversationId} = ${conversationId} and ${messages.role} = 'agent'`)
    )[0]!.id;
    expect(team).toBeTruthy();
    const elsewhere = (await chat({ message: "What does the Pro plan cost?" }, other)).body.message_id as string;
    const sibling = await addIntegration(h.db, acme); // the same bot and workspace, another integration
    const before = (await feedbackRows()).length;

    const cases: [string, string, Partial<Tenant>?][] = [
      ["the user's own message", userMessage!.id],
      ["a team member's message", teamId],
      ["another workspace's reply", elsewhere],
      ["an id that does not exist", newId("msg")],
      ["a malformed id", "msg_short"],
      ["a conversation id", conversationId],
      ["this reply, asked through another integration", answered.body.message_id, sibling],
    ];
    for (const [what, id, via] of cases) {
      const res = await rate(id, { rating: "up" }, { t: { ...acme, ...via } });
      expect([what, res.status, res.body?.error?.code]).toEqual([what, 404, "message_not_found"]);
    }
    expect((await feedbackRows()).length).toBe(before);
  });

  it("refuses bad input with a clear error and stores nothing", async () => {
    const id = (await chat({ message: "Can I return an item?" })).body.message_id as string;
    const rows: [string, unknown, number, string][] = [
      ["not JSON", "{rating: up}", 400, "invalid_json"],
      ["an empty body", "", 400, "invalid_json"],
      ["a JSON array", [{ rating: "up" }], 400, "invalid_json"],
      ["a JSON string", '"up"', 400, "invalid_json"],
      ["no rating", { comment: "hi" }, 400, "invalid_field"],
      ["a rating of null", { rating: null }, 400, "invalid_field"],
      ["a rating that is a number", { rating: 1 }, 400, "invalid_field"],
      ["a rating in capitals", { rating: "UP" }, 400, "invalid_field"],
      ["a rating of true", { rating: true }, 400, "invalid_field"],
      ["another word", { rating: "meh" }, 400, "invalid_field"],
      ["a comment that is a number", { rating: "up", comment: 5 }, 400, "invalid_field"],
      ["a comment that is an object", { rating: "up", comment: { text: "x" } }, 400, "invalid_field"],
      [
        "a comment one character too long",
        { rating: "up", comment: "é".repeat(MAX_FEEDBACK_COMMENT_CHARS + 1) },
        400,
        "invalid_field",
      ],
      ["a body over 64 KiB", { rating: "up", comment: "x".repeat(70 * 1024) }, 413, "payload_too_large"],
    ];
    for (const [what, body, status, code] of rows) {
      const res = await rate(id, body);
      expect([what, res.status, res.body?.error?.code]).toEqual([what, status, code]);
      expect(res.body.error.message.length).toBeGreaterThan(10);
    }
    expect(rows.length).toBeGreaterThan(10);
    expect((await feedbackRows()).filter((f) => f.messageId === id)).toEqual([]);
    expect(await events(id)).toEqual([]);

    // The longest comment is fine (characters as a person counts them), and a blank one is no comment.
    const longest = await rate(id, { rating: "down", comment: "é".repeat(MAX_FEEDBACK_COMMENT_CHARS) });
    expect(longest.status).toBe(200);
    const blank = await rate(id, { rating: "down", comment: " \n\t ", extra: "ignored" });
    expect(blank.body.comment).toBeNull();
  });

  it("keeps the Chat API's key and IP rules, in its order", async () => {
    const id = (await chat({ message: "What does the Pro plan cost?" })).body.message_id as string;
    const gated = await createTenant(h.db, { allowedIps: ["198.51.100.0/24"] });
    const gatedReply = newId("msg");
    const checks: [string, Promise<ApiReply>, number, string][] = [
      ["no key", rate(id, { rating: "up" }, { key: null }), 401, "missing_api_key"],
      ["a malformed key", rate(id, { rating: "up" }, { key: "sk-nope" }), 401, "invalid_api_key"],
      ["another integration's key", rate(id, { rating: "up" }, { key: other.apiKey }), 401, "invalid_api_key"],
      [
        "an unknown integration",
        rate(id, { rating: "up" }, { t: { ...acme, integrationId: newId("int") } }),
        404,
        "integration_not_found",
      ],
      ["an address not allowed", rate(gatedReply, { rating: "up" }, { t: gated }), 403, "ip_not_allowed"],
      // The key is checked before the body: a bad body with no key is still a 401.
      ["no key and a bad body", rate(id, "nonsense", { key: null }), 401, "missing_api_key"],
    ];
    for (const [what, pending, status, code] of checks) {
      const res = await pending;
      expect([what, res.status, res.body?.error?.code]).toEqual([what, status, code]);
    }
    const get = await nodeRequest(`${api.url}/chat/custom/${acme.integrationId}/messages/${id}/feedback`, {
      method: "GET",
      headers: { "x-api-key": acme.apiKey },
    });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await feedbackRows()).filter((f) => f.messageId === id)).toEqual([]);
  });
});

describe("the kind of every reply", () => {
  it("records answers, fallbacks and handoffs, with the time the bot took", async () => {
    const answered = await chat({ message: "What does the Pro plan cost?" });
    expect(await replyKind(answered.body.message_id)).toBe("answer");
    const fallback = await chat({ message: "Do you repair antique grandfather clocks?" });
    expect(await replyKind(fallback.body.message_id)).toBe("fallback");
    const handoff = await chat({ message: "Can I talk to a human please?" });
    expect(handoff.body.handoff).toBe(true);
    expect(await replyKind(handoff.body.message_id)).toBe("handoff");
    const greeting = await chat({ message: "Hello!" });
    expect(await replyKind(greeting.body.message_id)).toBe("greeting");
    const [row] = await h.db
      .select({ latencyMs: messages.latencyMs, confidence: messages.confidence })
      .from(messages)
      .where(eq(messages.id, answered.body.message_id));
    expect(row!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(row!.confidence).toBeGreaterThan(0);
  });
});

describe("the transcript in the dashboard", () => {
  it("shows each reply's rating and comment", async () => {
    const answered = await chat({ message: "What does the Pro plan cost?" });
    await rate(answered.body.message_id, { rating: "down", comment: "I wanted the yearly price." });
    const detail = await getConversationDetail(h.db, {
      workspaceId: acme.workspaceId,
      conversationId: answered.body.conversation_id,
    });
    const reply = detail!.messages.find((m) => m.id === answered.body.message_id);
    expect(reply?.feedback).toEqual({ rating: "down", comment: "I wanted the yearly price." });
    expect(detail!.messages.find((m) => m.role === "user")?.feedback).toBeNull();
  });
});

describe("rating a reply from the website widget", () => {
  const SITE = "https://www.example.com";
  let widgetId: string;

  beforeAll(async () => {
    const made = await createWidgetIntegration(h.db, {
      workspaceId: acme.workspaceId,
      botId: acme.botId,
      name: "Website",
      allowedOrigins: [SITE],
      widget: DEFAULT_WIDGET,
      actorUserId: acme.userId,
    });
    widgetId = made!.id;
  });

  function call(
    path: string,
    { origin = SITE, token, body }: { origin?: string | null; token?: string; body?: unknown },
  ) {
    const headers: Record<string, string> = { [PEER_IP_HEADER]: "203.0.113.9", "content-type": "application/json" };
    if (origin) headers.origin = origin;
    if (token) headers.authorization = `Bearer ${token}`;
    return new Request(`http://parley.test/chat/widget/${widgetId}${path}`, {
      method: "POST",
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  }
  async function visitor(): Promise<string> {
    const res = await handleWidgetSession({ req: call("/session", { body: {} }), integrationId: widgetId });
    return ((await res.json()) as { token: string }).token;
  }
  async function ask(token: string, message: string) {
    const res = await handleWidgetMessage({
      req: call("/messages", { token, body: { message } }),
      integrationId: widgetId,
    });
    return (await res.json()) as { message_id: string; conversation_id: string };
  }
  async function widgetRate(messageId: string, opts: { origin?: string | null; token?: string; body?: unknown }) {
    const res = await handleWidgetFeedback({
      req: call(`/messages/${messageId}/feedback`, opts),
      integrationId: widgetId,
      messageId,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  it("lets a visitor rate a reply of their own conversation, with CORS for the website", async () => {
    const token = await visitor();
    const reply = await ask(token, "What does the Pro plan cost?");
    const res = await widgetRate(reply.message_id, { token, body: { rating: "up" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(res.body).toMatchObject({ message_id: reply.message_id, rating: "up", comment: null });
    const again = await widgetRate(reply.message_id, { token, body: { rating: "down" } });
    expect(again.body.rating).toBe("down");
    expect((await feedbackRows()).filter((f) => f.messageId === reply.message_id)).toHaveLength(1);
    expect(await events(reply.message_id)).toHaveLength(2);
  });

  it("refuses another visitor, another website, no token and bad input, and stores nothing", async () => {
    const owner = await visitor();
    const stranger = await visitor();
    const reply = await ask(owner, "How long does shipping take?");
    const apiReply = (await chat({ message: "What does the Pro plan cost?" })).body.message_id as string;
    const refusals: [string, Awaited<ReturnType<typeof widgetRate>>, number, string][] = [
      [
        "another visitor",
        await widgetRate(reply.message_id, { token: stranger, body: { rating: "up" } }),
        404,
        "message_not_found",
      ],
      [
        "a reply of the Custom API",
        await widgetRate(apiReply, { token: owner, body: { rating: "up" } }),
        404,
        "message_not_found",
      ],
      ["no token", await widgetRate(reply.message_id, { body: { rating: "up" } }), 401, "invalid_visitor_token"],
      [
        "another website",
        await widgetRate(reply.message_id, {
          origin: "https://evil.example.net",
          token: owner,
          body: { rating: "up" },
        }),
        403,
        "origin_not_allowed",
      ],
      [
        "no Origin",
        await widgetRate(reply.message_id, { origin: null, token: owner, body: { rating: "up" } }),
        403,
        "origin_not_allowed",
      ],
      [
        "a bad rating",
        await widgetRate(reply.message_id, { token: owner, body: { rating: "sideways" } }),
        400,
        "invalid_field",
      ],
      ["not JSON", await widgetRate(reply.message_id, { token: owner, body: "up" }), 400, "invalid_json"],
    ];
    for (const [what, res, status, code] of refusals)
      expect([what, res.status, res.body?.error?.code]).toEqual([what, status, code]);
    // Refused for its website: no CORS header that would let that page read the answer.
    expect(refusals[3]![1].headers.get("access-control-allow-origin")).toBeNull();
    expect((await feedbackRows()).filter((f) => f.messageId === reply.message_id || f.messageId === apiReply)).toEqual(
      [],
    );
    const [{ n }] = (await queryRows<{ n: number }>(
      h.db,
      sql`select count(*)::int as n from message_feedback where message_id = ${reply.message_id}`,
    )) as [{ n: number }];
    expect(Number(n)).toBe(0);
  });
});

/**
 * The website widget's public endpoint (issue 14): the page's Origin against the allowed websites
 * (refused without CORS and without spending anything), the per-visitor token (another visitor's,
 * another integration's or another website's token is refused), disabled and deleted widgets, the
 * per-visitor and per-address limits and the plan's quota, identity verification, and the same
 * conversation turn as the Chat API behind it (streaming, memory, handoff and the team's replies).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { createWidgetIntegration, deleteIntegration, recreateWidgetIntegration } from "@/db/queries/integrations";
import { setIdentitySecret, setIntegrationDisabled } from "@/db/queries/widgets";
import { DEFAULT_WIDGET } from "@/db/schema";
import { PEER_IP_HEADER } from "@/lib/client-ip";
import { replyAsTeamMember } from "@/db/queries/handoff";
import {
  handleWidgetContact,
  handleWidgetMessage,
  handleWidgetPreflight,
  handleWidgetSession,
  handleWidgetTranscript,
  WIDGET_LIMITS,
} from "@/lib/widget/handle-widget-request";
import { identityHash, mintVisitorToken } from "@/lib/widget/token";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { createTenant, usedThisMonth, type Tenant } from "./fixtures/api-server";

process.env.AUTH_SECRET ??= "widget-test-secret-0123456789";

const SITE = "https://www.example.com";
const OTHER_SITE = "https://shop.example.org";
const EVIL = "https://evil.example.net";

let suite: ApiSuite;
let h: DbHandle;
let tenant: Tenant;
let widgetId: string;
const savedLimits = { ...WIDGET_LIMITS };

async function newWidget(origins = [SITE, OTHER_SITE]): Promise<string> {
  const made = await createWidgetIntegration(h.db, {
    workspaceId: tenant.workspaceId,
    botId: tenant.botId,
    name: "Website",
    allowedOrigins: origins,
    widget: DEFAULT_WIDGET,
    actorUserId: tenant.userId,
  });
  return made!.id;
}

beforeAll(async () => {
  suite = await openApiSuite();
  h = suite.h;
  tenant = await createTenant(h.db);
  widgetId = await newWidget();
});
afterAll(async () => {
  await suite?.close();
});
beforeEach(() => Object.assign(WIDGET_LIMITS, savedLimits));

type Call = { origin?: string | null; token?: string; body?: unknown; peer?: string; id?: string };

function request(path: string, method: string, c: Call): Request {
  const headers: Record<string, string> = { [PEER_IP_HEADER]: c.peer ?? "203.0.113.7" };
  if (c.origin !== null) headers.origin = c.origin ?? SITE;
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://parley.test/chat/widget/${c.id ?? widgetId}${path}`, {
    method,
    headers,
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
}

async function read(res: Response) {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text, code: body?.error?.code as string | undefined };
}

const session = (c: Call = {}) =>
  handleWidgetSession({ req: request("/session", "POST", { body: {}, ...c }), integrationId: c.id ?? widgetId }).then(
    read,
  );
const message = (c: Call) =>
  handleWidgetMessage({ req: request("/messages", "POST", c), integrationId: c.id ?? widgetId }).then(read);
const transcript = (conversationId: string, c: Call) =>
  handleWidgetTranscript({
    req: request(`/conversations/${conversationId}/messages`, "GET", c),
    integrationId: c.id ?? widgetId,
    conversationId,
  }).then(read);

async function tokenFor(c: Call = {}): Promise<string> {
  const s = await session(c);
  expect(s.status).toBe(200);
  return s.body.token as string;
}

async function spent(): Promise<{ rateRows: number; used: number }> {
  const [row] = await queryRows<{ n: number | string }>(h.db, sql`select count(*) as n from rate_limits`);
  return { rateRows: Number(row!.n), used: await usedThisMonth(h.db, tenant.workspaceId) };
}

describe("the website check", () => {
  it("a session from an allowed website gets the configuration, a token and CORS for that website only", async () => {
    const s = await session();
    expect(s.status).toBe(200);
    expect(s.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(s.headers.get("vary")).toBe("Origin");
    expect(s.body).toMatchObject({
      token: expect.stringMatching(/^wv1\./),
      verified: false,
      conversation_id: null,
      config: { title: DEFAULT_WIDGET.title, greeting: DEFAULT_WIDGET.greeting, theme: "auto" },
    });
  });

  it("another website, no Origin, or Origin null: 403 without CORS headers, and nothing spent", async () => {
    const token = await tokenFor();
    const before = await spent();
    for (const origin of [EVIL, null, "null", `${SITE}.evil.test`, "http://www.example.com"]) {
      for (const res of [
        await session({ origin }),
        await message({ origin, token, body: { message: "What plans do you offer?" } }),
        await read(
          await handleWidgetPreflight({ req: request("/messages", "OPTIONS", { origin }), integrationId: widgetId }),
        ),
      ]) {
        expect({ origin, status: res.status, code: res.code }).toEqual({
          origin,
          status: 403,
          code: "origin_not_allowed",
        });
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
      }
    }
    expect(await spent()).toEqual(before);
  });

  it("the preflight of an allowed website allows the token header", async () => {
    const res = await handleWidgetPreflight({ req: request("/messages", "OPTIONS", {}), integrationId: widgetId });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(res.headers.get("access-control-allow-headers")).toMatch(/authorization/);
  });

  it("an unknown, malformed or Custom API integration id is 404", async () => {
    for (const id of ["int_0000000000000000000000", "nope", tenant.integrationId]) {
      const res = await session({ id });
      expect({ id, status: res.status, code: res.code }).toEqual({ id, status: 404, code: "integration_not_found" });
    }
  });
});

describe("conversations through the widget", () => {
  it("answers with the same turn as the Chat API, remembers, streams, and stores the widget channel", async () => {
    const token = await tokenFor();
    const first = await message({ token, body: { message: "What plans do you offer?" } });
    expect(first.status).toBe(200);
    expect(first.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(first.body).toMatchObject({ conversation_id: expect.stringMatching(/^conv_/), handoff: false });
    expect(first.body.reply.length).toBeGreaterThan(0);
    const cid = first.body.conversation_id as string;

    const streamed = await message({
      token,
      body: { message: "How much is the Pro plan?", conversation_id: cid, stream: true },
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(streamed.text).toMatch(/^event: start\n/);
    expect(streamed.text).toMatch(/event: delta\n/);
    expect(streamed.text).toMatch(/event: end\n/);

    const t = await transcript(cid, { token });
    expect(t.status).toBe(200);
    expect(t.body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    const [row] = await queryRows<{ channel: string; external_user_id: string }>(
      h.db,
      sql`select channel, external_user_id from conversations where id = ${cid}`,
    );
    expect(row).toEqual({ channel: "widget", external_user_id: expect.stringMatching(/^visitor:v_/) });
  });

  it("another visitor's token cannot resume or read the conversation", async () => {
    const mine = await tokenFor();
    const theirs = await tokenFor();
    const first = await message({ token: mine, body: { message: "Hello" } });
    const cid = first.body.conversation_id as string;
    const resumed = await message({ token: theirs, body: { message: "Hello again", conversation_id: cid } });
    expect([resumed.status, resumed.code]).toEqual([404, "conversation_not_found"]);
    const read = await transcript(cid, { token: theirs });
    expect([read.status, read.code]).toEqual([404, "conversation_not_found"]);
    expect(read.headers.get("access-control-allow-origin")).toBe(SITE);
  });

  it("a token of another widget, another website, a forged or missing token is 401", async () => {
    const otherWidget = await newWidget();
    const foreign = await tokenFor({ id: otherWidget });
    const otherSite = await tokenFor({ origin: OTHER_SITE });
    const mine = await tokenFor();
    const [p, payload] = mine.split(".");
    const forged = `${p}.${payload}.${"A".repeat(43)}`;
    for (const token of [foreign, otherSite, forged, undefined, "garbage"]) {
      const res = await message({ token, body: { message: "Hello" } });
      expect([res.status, res.code]).toEqual([401, "invalid_visitor_token"]);
    }
  });

  it("an expired token is refused for messages, and exchanged for a fresh one of the same visitor", async () => {
    const { token: old } = mintVisitorToken(
      { i: widgetId, o: SITE, v: "v_returningvisitor0000000" },
      { now: Date.now() - 2 * 3600_000 },
    );
    const refused = await message({ token: old, body: { message: "Hello" } });
    expect([refused.status, refused.code]).toEqual([401, "invalid_visitor_token"]);
    const renewed = await session({ body: { token: old } });
    const claims = JSON.parse(Buffer.from(renewed.body.token.split(".")[1], "base64url").toString());
    expect(claims.v).toBe("v_returningvisitor0000000");
    expect((await message({ token: renewed.body.token, body: { message: "Hello" } })).status).toBe(200);
  });

  it("after a handoff the team's reply reaches the widget's transcript", async () => {
    const token = await tokenFor();
    const asked = await message({ token, body: { message: "Can I talk to a human?" } });
    expect(asked.body.handoff).toBe(true);
    const cid = asked.body.conversation_id as string;
    expect((await transcript(cid, { token })).body.status).toBe("handoff_requested");
    await replyAsTeamMember(h.db, {
      workspaceId: tenant.workspaceId,
      conversationId: cid,
      userId: tenant.userId,
      content: "Hi, this is Sam from the team.",
    });
    const t = await transcript(cid, { token });
    expect(t.body.status).toBe("human_active");
    expect(t.body.messages.at(-1)).toMatchObject({ role: "agent", content: "Hi, this is Sam from the team." });
    // The bot's handoff notice is marked (the widget shows no thumbs under it); no other message is.
    expect(t.body.messages.filter((m: { handoff?: boolean }) => m.handoff).map((m: { id: string }) => m.id)).toEqual([
      asked.body.message_id,
    ]);
  });

  it("bad input is a clear 400 with CORS, so the widget can say what went wrong", async () => {
    const token = await tokenFor();
    const res = await message({ token, body: { message: "   " } });
    expect([res.status, res.code]).toEqual([400, "message_required"]);
    expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
  });

  it("a body that is not a JSON object is 400 invalid_json on every widget call; an empty session body is a first visit", async () => {
    const token = await tokenFor();
    const contact = (c: Call) =>
      handleWidgetContact({ req: request("/contact", "POST", c), integrationId: widgetId }).then(read);
    for (const body of [[], "text", 42, null]) {
      for (const res of [await session({ body }), await message({ token, body }), await contact({ token, body })]) {
        expect([res.status, res.code]).toEqual([400, "invalid_json"]);
        expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
      }
    }
    const empty = await handleWidgetSession({
      req: request("/session", "POST", {}),
      integrationId: widgetId,
    }).then(read);
    expect(empty.status).toBe(200);
  });
});

describe("name and email before the chat", () => {
  const contact = (c: Call) =>
    handleWidgetContact({ req: request("/contact", "POST", c), integrationId: c.id ?? widgetId }).then(read);

  it("become a lead of the visitor's conversation; another visitor's conversation or a bad email is refused", async () => {
    const token = await tokenFor();
    const first = await message({ token, body: { message: "Hello" } });
    const cid = first.body.conversation_id as string;
    const bad = await contact({ token, body: { conversation_id: cid, name: "Ada", email: "not an email" } });
    expect([bad.status, bad.code]).toEqual([400, "invalid_field"]);
    const other = await contact({
      token: await tokenFor(),
      body: { conversation_id: cid, name: "Eve", email: "eve@example.com" },
    });
    expect([other.status, other.code]).toEqual([404, "conversation_not_found"]);
    const ok = await contact({ token, body: { conversation_id: cid, name: "Ada Lovelace", email: "Ada@Example.com" } });
    expect(ok.status).toBe(200);
    const [lead] = await queryRows<{ name: string; email: string; integration_id: string }>(
      h.db,
      sql`select l.name, l.email, l.integration_id from leads l join conversations c on c.lead_id = l.id where c.id = ${cid}`,
    );
    expect(lead).toEqual({ name: "Ada Lovelace", email: "ada@example.com", integration_id: widgetId });
  });
});

describe("disabled and deleted widgets", () => {
  it("a disabled widget answers its websites politely (403 widget_unavailable, readable) and works again when enabled", async () => {
    const id = await newWidget();
    const token = await tokenFor({ id });
    const scope = { workspaceId: tenant.workspaceId, integrationId: id, actorUserId: tenant.userId };
    await setIntegrationDisabled(h.db, { ...scope, disabled: true });
    const before = await spent();
    for (const res of [await session({ id }), await message({ id, token, body: { message: "Hi" } })]) {
      expect([res.status, res.code]).toEqual([403, "widget_unavailable"]);
      expect(res.headers.get("access-control-allow-origin")).toBe(SITE);
    }
    expect(
      (await handleWidgetPreflight({ req: request("/session", "OPTIONS", { id }), integrationId: id })).status,
    ).toBe(204);
    expect(await spent()).toEqual(before);
    await setIntegrationDisabled(h.db, { ...scope, disabled: false });
    expect((await message({ id, token, body: { message: "Hi" } })).status).toBe(200);
  });

  it("a deleted widget is 404 for everyone, its tokens included", async () => {
    const id = await newWidget();
    const token = await tokenFor({ id });
    await deleteIntegration(h.db, { workspaceId: tenant.workspaceId, integrationId: id, actorUserId: tenant.userId });
    expect((await session({ id })).code).toBe("integration_not_found");
    expect((await message({ id, token, body: { message: "Hi" } })).code).toBe("integration_not_found");
  });
  it("recreate moves name, bot, websites and appearance to a new id; the old id and its tokens are 404", async () => {
    const id = await newWidget([OTHER_SITE]);
    const token = await tokenFor({ id, origin: OTHER_SITE });
    const made = await recreateWidgetIntegration(h.db, {
      workspaceId: tenant.workspaceId,
      integrationId: id,
      actorUserId: tenant.userId,
    });
    const next = made!.integration;
    expect(next.id).not.toBe(id);
    expect([next.name, next.botId, next.allowedOrigins, next.widget]).toEqual([
      "Website",
      tenant.botId,
      [OTHER_SITE],
      DEFAULT_WIDGET,
    ]);
    expect((await session({ id, origin: OTHER_SITE })).code).toBe("integration_not_found");
    expect((await message({ id, token, origin: OTHER_SITE, body: { message: "Hi" } })).code).toBe(
      "integration_not_found",
    );
    // The new id works from the same website, and the old visitor's token does not carry over.
    expect((await message({ id: next.id, token, origin: OTHER_SITE, body: { message: "Hi" } })).status).toBe(401);
    const fresh = await tokenFor({ id: next.id, origin: OTHER_SITE });
    expect((await message({ id: next.id, token: fresh, origin: OTHER_SITE, body: { message: "Hi" } })).status).toBe(
      200,
    );
    expect((await session({ id: next.id, origin: SITE })).status).toBe(403); // the websites moved as they were
  });
});

describe("limits", () => {
  it("per visitor: the visitor's next message is 429 with Retry-After; another visitor still gets through", async () => {
    WIDGET_LIMITS.visitorPerMinute = 2;
    const id = await newWidget();
    const token = await tokenFor({ id });
    expect((await message({ id, token, body: { message: "Hi" } })).status).toBe(200);
    expect((await message({ id, token, body: { message: "Hi" } })).status).toBe(200);
    const refused = await message({ id, token, body: { message: "Hi" } });
    expect([refused.status, refused.code]).toEqual([429, "rate_limited"]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("access-control-allow-origin")).toBe(SITE);
    expect((await message({ id, token: await tokenFor({ id }), body: { message: "Hi" } })).status).toBe(200);
  });

  it("per address: sessions and messages from one address are limited, another address is not", async () => {
    WIDGET_LIMITS.addressPerMinute = 3;
    const id = await newWidget();
    const peer = "198.51.100.9";
    for (let n = 0; n < 3; n++) expect((await session({ id, peer })).status).toBe(200);
    const refused = await session({ id, peer });
    expect([refused.status, refused.code]).toEqual([429, "rate_limited"]);
    expect((await session({ id, peer: "198.51.100.10" })).status).toBe(200);
  });

  it("the workspace's monthly quota counts widget messages like API ones", async () => {
    const used = await usedThisMonth(h.db, tenant.workspaceId);
    const token = await tokenFor();
    await message({ token, body: { message: "What plans do you offer?" } });
    expect(await usedThisMonth(h.db, tenant.workspaceId)).toBe(used + 1);
  });
});

describe("identity verification", () => {
  it("a wrong signature, or a user id on a widget without a secret, is 401 invalid_identity", async () => {
    const id = await newWidget();
    const noSecret = await session({ id, body: { user_id: "user_42", user_hash: identityHash("x", "user_42") } });
    expect([noSecret.status, noSecret.code]).toEqual([401, "invalid_identity"]);
    await setIdentitySecret(h.db, {
      workspaceId: tenant.workspaceId,
      integrationId: id,
      actorUserId: null,
      secret: "whs_right",
    });
    for (const user_hash of [
      identityHash("whs_wrong", "user_42"),
      identityHash("whs_right", "user_43"),
      "0".repeat(64),
    ]) {
      const res = await session({ id, body: { user_id: "user_42", user_hash } });
      expect([res.status, res.code]).toEqual([401, "invalid_identity"]);
    }
    const missingHash = await session({ id, body: { user_id: "user_42" } });
    expect([missingHash.status, missingHash.code]).toEqual([400, "invalid_field"]);
  });

  it("a verified user finds their conversation on another device; an anonymous visitor cannot read it", async () => {
    const id = await newWidget();
    await setIdentitySecret(h.db, {
      workspaceId: tenant.workspaceId,
      integrationId: id,
      actorUserId: null,
      secret: "whs_right",
    });
    const user = { user_id: "user_42", user_hash: identityHash("whs_right", "user_42") };
    const laptop = await session({ id, body: user });
    expect(laptop.body.verified).toBe(true);
    const first = await message({ id, token: laptop.body.token, body: { message: "What plans do you offer?" } });
    const cid = first.body.conversation_id as string;

    const phone = await session({ id, origin: OTHER_SITE, body: user });
    expect(phone.body.conversation_id).toBe(cid);
    const t = await transcript(cid, { id, origin: OTHER_SITE, token: phone.body.token });
    expect(t.body.messages[0]).toMatchObject({ role: "user", content: "What plans do you offer?" });

    // Signed out on the laptop: the same stored token no longer carries the user.
    const anonymous = await session({ id, body: { token: laptop.body.token } });
    expect(anonymous.body.verified).toBe(false);
    expect((await transcript(cid, { id, token: anonymous.body.token })).code).toBe("conversation_not_found");
  });
});

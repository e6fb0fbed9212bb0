import { getDb, type Db } from "@/db";
import { z } from "zod";
import { captureLead } from "@/db/queries/leads";
import { latestWidgetConversation, loadWidgetAuth, touchWidgetUsed, type WidgetAuthRecord } from "@/db/queries/widgets";
import { ApiError } from "@/lib/chat/api-error";
import { submitFeedback } from "@/lib/chat/feedback";
import { answerTurn, newTurn } from "@/lib/chat/handle-chat-request";
import { json } from "@/lib/chat/render";
import { CONTROL_CHARS, jsonObject, parseChatBody, readBodyCapped } from "@/lib/chat/request";
import { withRequest, type RequestScope } from "@/lib/chat/serve";
import { findOwnedConversation, readTranscript } from "@/lib/chat/transcript";
import { clientAddress } from "@/lib/client-ip";
import { consumeRateLimit } from "@/lib/rate-limit";
import { isId } from "@/lib/ids";
import { isOriginAllowed } from "./origins";
import {
  conversationOwner,
  mintVisitorToken,
  newVisitorId,
  verifyIdentity,
  verifyVisitorToken,
  type VisitorClaims,
} from "./token";

/**
 * The website widget's channel: its own admission (a live widget, the page's Origin among its allowed
 * websites, a signed per-visitor token, per-visitor and per-address limits) in front of the same
 * conversation turn as the Chat API (answerTurn). A request from a website not on the list, or
 * from none, is refused before anything is spent, and gets no CORS headers.
 */

/** Messages a minute one visitor may send, and widget requests (sessions + messages) a minute from one address. */
export const WIDGET_LIMITS = { visitorPerMinute: 20, addressPerMinute: 60 };

type Admitted = { db: Db; auth: WidgetAuthRecord; origin: string };

/** A widget route: the Chat API's request scope, its answers never cached by the browser. */
function widgetRequest(route: string, integrationId: string, work: (scope: RequestScope) => Promise<Response>) {
  return withRequest(
    route,
    integrationId,
    (scope) => {
      scope.headers["cache-control"] = "no-store";
      return work(scope);
    },
    "widget_api",
  );
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "x-request-id, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining",
    Vary: "Origin",
  };
}

function clientIp(req: Request): string {
  return clientAddress(req.headers) ?? "unknown";
}

/**
 * Integration (404), website (403, no CORS), then disabled (403 widget_unavailable, readable by the
 * widget): from the website's admission on, every answer of the request carries its CORS headers.
 */
async function admitWidget(req: Request, integrationId: string, scope: RequestScope): Promise<Admitted> {
  if (!isId("int", integrationId)) throw new ApiError("integration_not_found");
  const db = await getDb();
  const auth = await loadWidgetAuth(db, integrationId);
  if (!auth) throw new ApiError("integration_not_found");
  const origin = req.headers.get("origin");
  if (!origin || !isOriginAllowed(origin, auth.allowedOrigins)) throw new ApiError("origin_not_allowed");
  Object.assign(scope.headers, corsHeaders(origin));
  if (auth.disabled) throw new ApiError("widget_unavailable");
  return { db, auth, origin };
}

function bearer(req: Request): string | null {
  const value = req.headers.get("authorization");
  return value?.startsWith("Bearer ") ? value.slice(7).trim() : null;
}

function visitorOf(req: Request, a: Admitted): VisitorClaims {
  const check = verifyVisitorToken(bearer(req), { integrationId: a.auth.integrationId, origin: a.origin });
  if (!check.ok) throw new ApiError("invalid_visitor_token");
  return check.claims;
}

async function limit(a: Admitted, key: string, perMinute: number, message: string): Promise<void> {
  const rl = await consumeRateLimit(a.db, { key, limit: perMinute });
  if (!rl.allowed) throw new ApiError("rate_limited", message, { "Retry-After": String(rl.retryAfterSeconds) });
}

const limitAddress = (req: Request, a: Admitted) =>
  limit(
    a,
    `wa:${a.auth.integrationId}:${clientIp(req)}`,
    WIDGET_LIMITS.addressPerMinute,
    "Too many chat requests from this address; retry after the time in Retry-After.",
  );

/** OPTIONS on any widget path: the CORS preflight, answered only for an allowed website of a live widget. */
export function handleWidgetPreflight({ req, integrationId }: { req: Request; integrationId: string }) {
  return widgetRequest("preflight", integrationId, async (scope) => {
    await admitWidget(req, integrationId, scope).catch((error: unknown) => {
      // A disabled widget still answers its own websites' preflight, so the widget can read why.
      if (!(error instanceof ApiError && error.code === "widget_unavailable")) throw error;
    });
    return new Response(null, {
      status: 204,
      headers: {
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "authorization, content-type",
        "Access-Control-Max-Age": "600",
      },
    });
  });
}

type SessionBody = { token: string | null; userId: string | null; userHash: string | null };

function parseSessionBody(raw: string): SessionBody {
  const b = raw.trim() ? jsonObject(raw) : {}; // an empty body is a first visit
  const field = (name: string, max: number) => {
    const value = b[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== "string" || value.length < 1 || [...value].length > max || CONTROL_CHARS.test(value))
      throw new ApiError("invalid_field", `\`${name}\` must be a string of 1 to ${max} characters, or null.`);
    return value;
  };
  const session = { token: field("token", 1024), userId: field("user_id", 128), userHash: field("user_hash", 128) };
  if (session.userId !== null && session.userHash === null)
    throw new ApiError("invalid_field", "`user_hash` is required with `user_id`.");
  return session;
}

/**
 * Who the session is for: the verified user (`user_id` + `user_hash`), keeping the visitor of an
 * earlier token of this widget and website (expired or not, within its refresh window), or a new one.
 */
function sessionVisitor(a: Admitted, body: SessionBody): { claims: Omit<VisitorClaims, "e">; returning: boolean } {
  let verifiedUser: string | undefined;
  if (body.userId !== null) {
    if (!a.auth.identitySecret || !verifyIdentity(a.auth.identitySecret, body.userId, body.userHash ?? ""))
      throw new ApiError("invalid_identity");
    verifiedUser = body.userId;
  }
  const previous = body.token
    ? verifyVisitorToken(body.token, { integrationId: a.auth.integrationId, origin: a.origin }, { allowExpired: true })
    : null;
  // A verified user's token is not handed on to an anonymous visit (a shared computer after sign-out).
  const keep = previous?.ok && previous.claims.u === verifiedUser ? previous.claims.v : null;
  const claims = {
    i: a.auth.integrationId,
    o: a.origin,
    v: keep ?? newVisitorId(),
    ...(verifiedUser && { u: verifiedUser }),
  };
  return { claims, returning: keep !== null };
}

/** The widget's appearance as widget.js reads it. */
function widgetConfig(w: WidgetAuthRecord["widget"]) {
  return {
    title: w.title,
    greeting: w.greeting,
    accent_color: w.accentColor,
    theme: w.theme,
    position: w.position,
    launcher_icon: w.launcherIcon,
    ask_contact: w.askContact,
  };
}

/**
 * POST /chat/widget/:integrationId/session: the widget's configuration and a fresh visitor token; a
 * verified user also gets their latest conversation, to resume it on this device.
 */
export function handleWidgetSession({ req, integrationId }: { req: Request; integrationId: string }) {
  return widgetRequest("session", integrationId, async (scope) => {
    const a = await admitWidget(req, integrationId, scope);
    const body = parseSessionBody(await readBodyCapped(req));
    await limitAddress(req, a);
    const { claims, returning } = sessionVisitor(a, body);
    const { token, expiresAt } = mintVisitorToken(claims);
    scope.note.visitor = returning ? "returning" : "new";
    touchWidgetUsed(a.db, a.auth.integrationId).catch(() => {});
    const conversationId = claims.u
      ? ((await latestWidgetConversation(a.db, {
          integrationId: a.auth.integrationId,
          owner: conversationOwner(claims),
        })) ?? null)
      : null;
    return json(
      200,
      {
        token,
        expires_at: expiresAt,
        verified: claims.u !== undefined,
        conversation_id: conversationId,
        config: widgetConfig(a.auth.widget),
      },
      {},
    );
  });
}

/**
 * POST /chat/widget/:integrationId/messages: one message of the visitor, answered by the same turn as
 * the Chat API (`stream: true` for SSE). The conversation belongs to the token's visitor (or verified user).
 */
export function handleWidgetMessage({ req, integrationId }: { req: Request; integrationId: string }) {
  return widgetRequest("message", integrationId, async (scope) => {
    const a = await admitWidget(req, integrationId, scope);
    const visitor = visitorOf(req, a);
    const body = parseChatBody(await readBodyCapped(req));
    await limitAddress(req, a);
    await limit(
      a,
      `wv:${a.auth.integrationId}:${visitor.v}`,
      WIDGET_LIMITS.visitorPerMinute,
      "Too many messages from this visitor; retry after the time in Retry-After.",
    );
    const turn = newTurn({
      db: a.db,
      channel: { ...a.auth, channel: "widget" },
      body: { ...body, userId: conversationOwner(visitor) },
      note: scope.note,
    });
    const response = await answerTurn(turn, { claim: null, requestId: scope.requestId });
    touchWidgetUsed(a.db, a.auth.integrationId).catch(() => {});
    return response;
  });
}

/**
 * GET /chat/widget/:integrationId/conversations/:conversationId/messages: the visitor's transcript,
 * to restore it after a reload and to poll for the team's replies after a handoff.
 */
export function handleWidgetTranscript({
  req,
  integrationId,
  conversationId,
}: {
  req: Request;
  integrationId: string;
  conversationId: string;
}) {
  return widgetRequest("transcript", integrationId, async (scope) => {
    const a = await admitWidget(req, integrationId, scope);
    const visitor = visitorOf(req, a);
    const transcript = await readTranscript(a.db, {
      integrationId: a.auth.integrationId,
      conversationId,
      owner: conversationOwner(visitor),
      withSources: a.auth.returnSources,
    });
    return json(200, transcript, {});
  });
}

const contactSchema = z.object({
  conversation_id: z.string().max(64),
  name: z
    .string()
    .trim()
    .max(100)
    .refine((n) => !CONTROL_CHARS.test(n))
    .nullish(),
  email: z.email().max(254),
});

/**
 * POST /chat/widget/:integrationId/contact: the name and email the visitor gave before chatting
 * ("ask for name and email first"), stored as a lead of their conversation like one the bot captured.
 */
export function handleWidgetContact({ req, integrationId }: { req: Request; integrationId: string }) {
  return widgetRequest("contact", integrationId, async (scope) => {
    const a = await admitWidget(req, integrationId, scope);
    const visitor = visitorOf(req, a);
    const parsed = contactSchema.safeParse(jsonObject(await readBodyCapped(req)));
    if (!parsed.success)
      throw new ApiError("invalid_field", "Send `conversation_id`, a valid `email` and optionally a `name`.");
    await limitAddress(req, a);
    const found = await findOwnedConversation(a.db, {
      integrationId: a.auth.integrationId,
      conversationId: parsed.data.conversation_id,
      owner: conversationOwner(visitor),
    });
    await a.db.transaction((tx) =>
      captureLead(tx, {
        workspaceId: a.auth.workspaceId,
        conversationId: found.id,
        botId: a.auth.botId,
        integrationId: a.auth.integrationId,
        details: { email: parsed.data.email.toLowerCase(), ...(parsed.data.name && { name: parsed.data.name }) },
        leadId: found.leadId,
      }),
    );
    return json(200, { ok: true }, {});
  });
}

/**
 * POST /chat/widget/:integrationId/messages/:messageId/feedback: the visitor's thumbs up or down on a
 * reply of their own conversation, the Chat API's feedback behind the widget's admission.
 */
export function handleWidgetFeedback({
  req,
  integrationId,
  messageId,
}: {
  req: Request;
  integrationId: string;
  messageId: string;
}) {
  return widgetRequest("feedback", integrationId, async (scope) => {
    const a = await admitWidget(req, integrationId, scope);
    const visitor = visitorOf(req, a);
    const raw = await readBodyCapped(req);
    await limitAddress(req, a);
    const body = await submitFeedback(a.db, {
      integrationId: a.auth.integrationId,
      messageId,
      owner: conversationOwner(visitor),
      raw,
    });
    scope.note.rating = body.rating;
    return json(200, body, {});
  });
}

import { timingSafeEqual, createHash } from "node:crypto";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { onLogEvent } from "./log";

/**
 * Parley's Prometheus metrics (prom-client), served by GET /metrics (app/metrics/route.ts) when
 * METRICS_TOKEN is set. One registry per process, on globalThis: server.ts and Next's route bundles
 * load this module separately and must count into the same metrics. The Chat API's and the widget's
 * numbers come from their request log events (lib/log's listeners), so they are counted in one place
 * whether or not logs are written; the server counts every HTTP request; the queues and the quota are
 * read from the database at scrape time (lib/ops/scrape.ts).
 */

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    httpRequests: new Counter({
      name: "parley_http_requests_total",
      help: "HTTP requests answered, by route, method and status.",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "parley_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response (streams included), by route, method and status.",
      labelNames: ["route", "method", "status"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    httpInFlight: new Gauge({
      name: "parley_http_requests_in_flight",
      help: "Requests being answered now.",
      registers: [registry],
    }),
    chatRequests: new Counter({
      name: "parley_chat_requests_total",
      help: "Chat API and widget requests, by channel, route, status and error code (code is empty on success); refusals by limit are the codes rate_limited and quota_exceeded.",
      labelNames: ["channel", "route", "status", "code"],
      registers: [registry],
    }),
    chatDuration: new Histogram({
      name: "parley_chat_request_duration_seconds",
      help: "Time to answer a Chat API or widget request (to the first byte of a stream), by channel and route.",
      labelNames: ["channel", "route"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    chatStage: new Histogram({
      name: "parley_chat_stage_duration_seconds",
      help: "Time of the stages of a conversation turn: admission (rate limit and quota), retrieval, and generation (the rest of the reply: the engine or the model).",
      labelNames: ["stage"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    chatReplies: new Counter({
      name: "parley_chat_replies_total",
      help: "Replies of the bot, by engine (builtin, llm, handoff) and outcome (answer, fallback, greeting, thanks, smalltalk, handoff).",
      labelNames: ["engine", "outcome"],
      registers: [registry],
    }),
    handoffs: new Counter({
      name: "parley_handoffs_total",
      help: "Conversations handed to the team, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    quotaRefunds: new Counter({
      name: "parley_quota_refunds_total",
      help: "Messages given back to the monthly quota, by how: at once, retried after a failure, or reconciled from an expired hold.",
      labelNames: ["how"],
      registers: [registry],
    }),
    imports: new Counter({
      name: "parley_imports_total",
      help: "Knowledge imports finished in this process, by outcome.",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    importQueueDepth: new Gauge({
      name: "parley_import_queue_depth",
      help: "Knowledge sources waiting to be imported (all processes).",
      registers: [registry],
    }),
    importQueueAge: new Gauge({
      name: "parley_import_queue_oldest_age_seconds",
      help: "How long the oldest waiting knowledge source has waited (0 when none).",
      registers: [registry],
    }),
    webhookBacklog: new Gauge({
      name: "parley_webhook_backlog",
      help: "Webhook deliveries waiting to be sent (all processes).",
      registers: [registry],
    }),
    webhookFailed: new Gauge({
      name: "parley_webhook_failed_deliveries",
      help: "Webhook deliveries that were given up after their retries (all processes).",
      registers: [registry],
    }),
    webhookGaveUp: new Counter({
      name: "parley_webhook_gave_up_total",
      help: "Webhook deliveries given up by this process after their retries.",
      registers: [registry],
    }),
    quotaUsed: new Gauge({
      name: "parley_quota_used_messages",
      help: "Messages used this month (UTC), summed over the workspaces of each plan.",
      labelNames: ["plan"],
      registers: [registry],
    }),
    dbUp: new Gauge({
      name: "parley_db_up",
      help: "1 when the database answered the scrape's statements, else 0.",
      registers: [registry],
    }),
    dbPoolMax: new Gauge({
      name: "parley_db_pool_max",
      help: "Connections this process may open to PostgreSQL (DATABASE_POOL_MAX).",
      registers: [registry],
    }),
    dbStatementsInFlight: new Gauge({
      name: "parley_db_statements_in_flight",
      help: "Statements sent or waiting for a connection in this process's pool.",
      registers: [registry],
    }),
    dbBreakerOpen: new Gauge({
      name: "parley_db_breaker_open",
      help: "1 while the database is unreachable and statements fail at once (503), else 0.",
      registers: [registry],
    }),
  };
  onLogEvent((event, fields) => countEvent(m, event, fields));
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

const KEY = Symbol.for("parley.metrics");
const g = globalThis as typeof globalThis & { [KEY]?: Metrics };

/** This process's metrics, created on first use. */
export function metrics(): Metrics {
  return (g[KEY] ??= createMetrics());
}

function str(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/** Turns the log events of requests and background work into counts. */
function countEvent(m: Metrics, event: string, f: Record<string, unknown>): void {
  if (event === "chat_api" || event === "widget_api") {
    const channel = event === "chat_api" ? "api" : "widget";
    const route = str(f.route);
    m.chatRequests.inc({ channel, route, status: str(f.status), code: str(f.code) });
    if (typeof f.latency_ms === "number") m.chatDuration.observe({ channel, route }, f.latency_ms / 1000);
  } else if (event === "chat_turn") {
    // A turn settled (lib/chat/handle-chat-request.ts), streamed or not: its stages and its reply.
    if (typeof f.admission_ms === "number") m.chatStage.observe({ stage: "admission" }, f.admission_ms / 1000);
    if (typeof f.retrieval_ms === "number") m.chatStage.observe({ stage: "retrieval" }, f.retrieval_ms / 1000);
    if (typeof f.reply_ms === "number") {
      const retrieval = typeof f.retrieval_ms === "number" ? f.retrieval_ms : 0;
      m.chatStage.observe({ stage: "generation" }, Math.max(0, f.reply_ms - retrieval) / 1000);
    }
    if (f.engine) m.chatReplies.inc({ engine: str(f.engine), outcome: str(f.outcome) });
    if (f.handoff) m.handoffs.inc({ reason: str(f.handoff) });
  } else if (event === "quota_refund") {
    m.quotaRefunds.inc({ how: str(f.how) }, typeof f.messages === "number" ? f.messages : 1);
  } else if (event === "knowledge.import") {
    m.imports.inc({ outcome: str(f.outcome) });
  } else if (event === "webhooks.gave_up") {
    m.webhookGaveUp.inc(typeof f.deliveries === "number" ? f.deliveries : 1);
  }
}

const ROUTES: Array<[RegExp, string]> = [
  [/^\/_next\/static\//, "/_next/static"],
  [/^\/_next\/image/, "/_next/image"],
  [/^\/api\/auth\//, "/api/auth"],
];
const PAGES = new Set([
  "",
  "sign-in",
  "sign-up",
  "invite",
  "bots",
  "integrations",
  "conversations",
  "leads",
  "settings",
  "usage",
  "healthz",
  "readyz",
  "metrics",
  "widget.js",
  "favicon.ico",
  "api",
]);
const CHAT_WORDS = new Set(["conversations", "messages", "users", "session", "contact", "feedback"]);
const ID_SEGMENT = /^[a-z]{2,5}_[0-9A-Za-z]{22}$/;

/**
 * A request path as a route label with bounded values: the API's routes by their pattern, pages with
 * ids replaced by `:id`, and anything else (scanners' /wp-admin…) as "other".
 */
export function routeLabel(pathname: string): string {
  const chat = /^\/chat\/(custom|widget)\/[^/]+((?:\/[^/]+)*)\/?$/.exec(pathname);
  if (chat) {
    // The API's words stay; every other segment is an id (integration, conversation, user).
    const rest = (chat[2] ?? "").split("/").slice(1);
    if (rest.length > 4) return "other";
    return [`/chat/${chat[1]}/:id`, ...rest.map((s) => (CHAT_WORDS.has(s) ? s : ":id"))].join("/");
  }
  for (const [pattern, label] of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) return label.replace("$1", match[1] ?? "");
  }
  const segments = pathname.split("/").slice(1);
  if (!PAGES.has(segments[0] ?? "") || segments.length > 5) return "other";
  return (
    "/" + segments.map((s) => (ID_SEGMENT.test(s) ? ":id" : /^[a-z][a-z0-9.-]{0,30}$/.test(s) ? s : ":param")).join("/")
  );
}

/** Whether a /metrics request may read the metrics: METRICS_TOKEN set, and sent as a bearer token. */
export function metricsAccess(authorization: string | null): "ok" | "off" | "denied" {
  const token = process.env.METRICS_TOKEN;
  if (!token) return "off";
  const sent = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(sent), digest(token)) ? "ok" : "denied";
}

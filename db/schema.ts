import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const planEnum = pgEnum("plan", ["starter", "core", "pro", "scale"]);
export const roleEnum = pgEnum("role", ["owner", "admin", "member", "viewer"]);

// ── Accounts ────────────────────────────────────────────────────────────────

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(), // stored lower-cased
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
});

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  plan: planEnum("plan").notNull().default("starter"),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.workspaceId] }), index("memberships_workspace_idx").on(t.workspaceId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    actorUserId: text("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(), // e.g. integration.created, key.rolled, allowlist.changed
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_workspace_idx").on(t.workspaceId, t.createdAt)],
);

// ── Bots and knowledge ──────────────────────────────────────────────────────

export const engineEnum = pgEnum("answer_engine", ["builtin", "llm"]);

export type LeadField = "name" | "email" | "phone" | "company";
export type LeadCaptureSettings = {
  enabled: boolean;
  /** Which fields to collect, and whether each is required. */
  fields: Record<LeadField, "off" | "optional" | "required">;
  /** Ask after this many user messages (null: never by count). */
  askAfterMessages: number | null;
  /** Ask when the user shows buying intent (pricing, demo, quote, contact…). */
  askOnIntent: boolean;
  askMessage: string;
};
export const DEFAULT_LEAD_CAPTURE: LeadCaptureSettings = {
  enabled: false,
  fields: { name: "optional", email: "required", phone: "optional", company: "off" },
  askAfterMessages: 3,
  askOnIntent: true,
  askMessage: "If you'd like someone from our team to follow up, could you share your name and email address?",
};

export type HandoffSettings = {
  enabled: boolean;
  /** Hand over when the user asks for a person. */
  onRequest: boolean;
  /** Offer a person after this many answers in a row that the bot could not give (null: never). */
  offerAfterFailures: number | null;
  offerMessage: string;
  handoffMessage: string;
};
export const DEFAULT_HANDOFF: HandoffSettings = {
  enabled: true,
  onRequest: true,
  offerAfterFailures: 2,
  offerMessage: "I'm not sure I can help with that. Would you like me to connect you with a member of our team?",
  handoffMessage: "I've asked a member of our team to join this conversation. They'll reply here as soon as they can.",
};

export const bots = pgTable(
  "bots",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    instructions: text("instructions").notNull().default(""),
    welcomeMessage: text("welcome_message").notNull().default("Hi! How can I help you today?"),
    fallbackMessage: text("fallback_message")
      .notNull()
      .default("I'm sorry, I don't have information about that yet. Could you rephrase, or ask about something else?"),
    engine: engineEnum("engine").notNull().default("builtin"),
    leadCapture: jsonb("lead_capture").$type<LeadCaptureSettings>().notNull().default(DEFAULT_LEAD_CAPTURE),
    handoff: jsonb("handoff").$type<HandoffSettings>().notNull().default(DEFAULT_HANDOFF),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("bots_workspace_idx").on(t.workspaceId)],
);

export const sourceKindEnum = pgEnum("source_kind", ["text", "file", "url", "sitemap"]);
export const sourceStatusEnum = pgEnum("source_status", ["queued", "processing", "ready", "failed"]);

export const knowledgeSources = pgTable(
  "knowledge_sources",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    kind: sourceKindEnum("kind").notNull(),
    title: text("title").notNull(),
    /** Pasted text, or the URL for url/sitemap sources. */
    input: text("input"),
    /** Uploaded file bytes, kept so a source can be re-synced and unfinished work can resume. */
    fileData: bytea("file_data"),
    fileName: text("file_name"),
    mimeType: text("mime_type"),
    status: sourceStatusEnum("status").notNull().default("queued"),
    progress: integer("progress").notNull().default(0), // 0..100
    error: text("error"),
    chunkCount: integer("chunk_count").notNull().default(0),
    /** A worker's claim on the source; a lease that ran out is picked up again after a restart. */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("knowledge_sources_bot_idx").on(t.botId), index("knowledge_sources_status_idx").on(t.status)],
);

export const knowledgeChunks = pgTable(
  "knowledge_chunks",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: text("source_id")
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: "cascade" }),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    title: text("title").notNull(), // the source's title
    heading: text("heading").notNull().default(""), // nearest heading path inside the source
    content: text("content").notNull(),
    tsv: tsvector("tsv")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce("title", '') || ' ' || coalesce("heading", '')), 'A') || setweight(to_tsvector('english', "content"), 'B')`,
      ),
  },
  (t) => [
    index("knowledge_chunks_source_idx").on(t.sourceId),
    // One GIN index over (bot_id, tsv) (btree_gin, migration 0003) and no b-tree on bot_id: a bot's
    // matches for a term come from its own posting list, whatever other bots hold, and the planner
    // has no index that would let it walk the bot's chunks one by one looking for a word. The GIN
    // index also serves bot_id alone (deleting a bot's chunks).
    index("knowledge_chunks_bot_tsv_idx").using("gin", t.botId, t.tsv),
  ],
);

/**
 * Term statistics of each bot's knowledge, kept by a trigger on knowledge_chunks (migration 0003), so
 * that retrieval reads a term's document frequency instead of counting matches at query time. Derived
 * data with no foreign keys: rows go to zero and away as chunks are deleted, whatever deletes them.
 */
export const knowledgeTerms = pgTable(
  "knowledge_terms",
  {
    botId: text("bot_id").notNull(),
    lexeme: text("lexeme").notNull(),
    /** Chunks of the bot whose text holds the lexeme. */
    df: integer("df").notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.lexeme] })],
);

/** Chunks per bot (the N of IDF), kept by the same trigger. The row is also the lock that orders concurrent writers of one bot's terms. */
export const knowledgeBotStats = pgTable("knowledge_bot_stats", {
  botId: text("bot_id").primaryKey(),
  chunks: integer("chunks").notNull(),
});

// ── Integrations and keys ───────────────────────────────────────────────────

export const integrationTypeEnum = pgEnum("integration_type", ["custom_api"]);

export const integrations = pgTable(
  "integrations",
  {
    id: text("id").primaryKey(), // int_…
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "restrict" }),
    type: integrationTypeEnum("type").notNull().default("custom_api"),
    name: text("name").notNull(),
    /** Canonical CIDRs; empty means every address may call. */
    allowedIps: text("allowed_ips").array().notNull().default(sql`'{}'::text[]`),
    /** Include `sources` (knowledge titles) in API responses. */
    returnSources: boolean("return_sources").notNull().default(false),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    /** Deleted integrations answer 404 but keep their conversations for the inbox. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [index("integrations_workspace_idx").on(t.workspaceId), index("integrations_bot_idx").on(t.botId)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    keyHash: bytea("key_hash").notNull(), // SHA-256 of the whole key
    hint: text("hint").notNull(), // last 4 characters
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.keyHash), index("api_keys_integration_idx").on(t.integrationId)],
);

// ── Conversations ───────────────────────────────────────────────────────────

export const conversationStatusEnum = pgEnum("conversation_status", [
  "bot",
  "handoff_requested",
  "human_active",
  "resolved",
]);
export const messageRoleEnum = pgEnum("message_role", ["user", "assistant", "agent", "system"]);

export const conversations = pgTable(
  "conversations",
  {
    id: text("id").primaryKey(), // conv_…
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    integrationId: text("integration_id").references(() => integrations.id, { onDelete: "set null" }),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    /** The API caller's `user_id`; a conversation keeps the one it started with. */
    externalUserId: text("external_user_id"),
    /** Where the conversation came from: the public API or the dashboard's test chat. */
    channel: text("channel").notNull().default("api"),
    status: conversationStatusEnum("status").notNull().default("bot"),
    /** The team member who took the conversation over. */
    assignedUserId: text("assigned_user_id").references(() => users.id, { onDelete: "set null" }),
    leadId: text("lead_id"),
    /** Answers in a row the bot could not give (fallbacks); resets on a real answer. */
    consecutiveFallbacks: integer("consecutive_fallbacks").notNull().default(0),
    /** The bot offered a person and waits for yes/no. */
    handoffOfferedAt: timestamp("handoff_offered_at", { withTimezone: true }),
    /** The bot asked for contact details (it asks once, never nags). */
    leadAskedAt: timestamp("lead_asked_at", { withTimezone: true }),
    handoffRequestedAt: timestamp("handoff_requested_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: createdAt(),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("conversations_integration_idx").on(t.integrationId),
    index("conversations_workspace_idx").on(t.workspaceId, t.lastMessageAt),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: text("id").primaryKey(), // msg_…
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: messageRoleEnum("role").notNull(),
    content: text("content").notNull(),
    /** Knowledge used for an answer: [{ sourceId, title, chunkId, score }]. */
    sources: jsonb("sources").$type<{ sourceId: string; title: string; chunkId: number; score: number }[]>(),
    engine: text("engine"),
    latencyMs: integer("latency_ms"),
    authorUserId: text("author_user_id").references(() => users.id, { onDelete: "set null" }),
    /** For team messages: when the API client was given it. */
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("messages_conversation_idx").on(t.conversationId, t.createdAt)],
);

// ── Leads ───────────────────────────────────────────────────────────────────

export const leads = pgTable(
  "leads",
  {
    id: text("id").primaryKey(), // lead_…
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name"),
    /** Lower-cased; unique per workspace (dedupe key). */
    email: text("email"),
    /** E.164; unique per workspace (dedupe key). */
    phone: text("phone"),
    company: text("company"),
    botId: text("bot_id").references(() => bots.id, { onDelete: "set null" }),
    integrationId: text("integration_id").references(() => integrations.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("leads_workspace_idx").on(t.workspaceId, t.createdAt),
    uniqueIndex("leads_workspace_email_idx").on(t.workspaceId, t.email).where(sql`${t.email} is not null`),
    uniqueIndex("leads_workspace_phone_idx").on(t.workspaceId, t.phone).where(sql`${t.phone} is not null`),
  ],
);

/** Which conversations a lead came from (a lead may span several). */
export const leadConversations = pgTable(
  "lead_conversations",
  {
    leadId: text("lead_id")
      .notNull()
      .references(() => leads.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.leadId, t.conversationId] }), index("lead_conversations_conversation_idx").on(t.conversationId)],
);

// ── Webhooks ────────────────────────────────────────────────────────────────

export const webhooks = pgTable(
  "webhooks",
  {
    id: text("id").primaryKey(), // wh_…
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** Signing secret (HMAC-SHA256); shown to the owner so they can verify signatures. */
    secret: text("secret").notNull(),
    events: text("events").array().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("webhooks_workspace_idx").on(t.workspaceId)],
);

export const deliveryStatusEnum = pgEnum("delivery_status", ["pending", "delivered", "failed"]);

/** The outbox: one row per event per webhook, delivered at least once, in order per conversation. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(), // evt_…, the same across retries
    event: text("event").notNull(),
    /** Ordering key: deliveries with the same key go out one at a time, oldest first. */
    orderingKey: text("ordering_key"),
    payload: jsonb("payload").notNull(),
    status: deliveryStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt),
  ],
);

// ── Members ─────────────────────────────────────────────────────────────────

export const invites = pgTable(
  "invites",
  {
    id: text("id").primaryKey(), // inv_…
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(), // lower-cased
    role: roleEnum("role").notNull(),
    /** SHA-256 of the invite token; the token itself is only in the link. */
    tokenHash: bytea("token_hash").notNull(),
    invitedByUserId: text("invited_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("invites_token_idx").on(t.tokenHash), index("invites_workspace_idx").on(t.workspaceId)],
);

// ── Limits ──────────────────────────────────────────────────────────────────

/** GCRA state: one theoretical arrival time per limited key (integration, sign-in email, sign-in IP). */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  tat: timestamp("tat", { withTimezone: true }).notNull(),
});

/** Messages used by a workspace in a calendar month (UTC). */
export const usage = pgTable(
  "usage",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    month: date("month").notNull(), // first day of the month
    used: integer("used").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.month] })],
);

/** Test clock read by app_now(): a row here freezes the database's idea of "now" for limits. */
export const appClock = pgTable("app_clock", {
  id: integer("id").primaryKey(),
  now: timestamp("now", { withTimezone: true }).notNull(),
});

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    integrationId: text("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    /** null while the first request is still running. */
    statusCode: integer("status_code"),
    response: jsonb("response"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.key] })],
);

export type User = typeof users.$inferSelect;
export type Workspace = typeof workspaces.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Role = (typeof roleEnum.enumValues)[number];
export type Plan = (typeof planEnum.enumValues)[number];
export type Bot = typeof bots.$inferSelect;
export type KnowledgeSource = typeof knowledgeSources.$inferSelect;
export type KnowledgeChunk = typeof knowledgeChunks.$inferSelect;
export type Integration = typeof integrations.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Lead = typeof leads.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type Invite = typeof invites.$inferSelect;

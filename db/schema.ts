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
    index("knowledge_chunks_bot_idx").on(t.botId),
    index("knowledge_chunks_source_idx").on(t.sourceId),
    index("knowledge_chunks_tsv_idx").using("gin", t.tsv),
  ],
);

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

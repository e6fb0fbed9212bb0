import { sql } from "drizzle-orm";
import {
  bigint,
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
  real,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const bitVarying = customType<{ data: string }>({ dataType: () => "bit varying" });
/** A text search configuration's name ("english", "french", "simple"…), as PostgreSQL's regconfig. */
const regconfig = customType<{ data: string }>({ dataType: () => "regconfig" });

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

/**
 * A signed-in browser. The session cookie (a JWT) names its row; signing out revokes the row, so a
 * copied cookie stops working at once, and a password change revokes every other session.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  plan: planEnum("plan").notNull().default("starter"),
  /** Conversations with no message for this many days are deleted by the background work (null: kept). */
  retentionDays: integer("retention_days"),
  /** When retention last ran for the workspace (it runs at most once a day). */
  retentionRanAt: timestamp("retention_ran_at", { withTimezone: true }),
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
    /** ISO 639-1 code of the language questions too short to tell are taken to be in, or "auto" (the knowledge's own). */
    language: text("language").notNull().default("auto"),
    /** The owner's "Words your customers use": lines like `money back = refund`, searched beside a question's own words. */
    customerWords: text("customer_words").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("bots_workspace_idx").on(t.workspaceId)],
);

/** `qa`: a curated question and answer the owner wrote (the title is the question, `input` the answer). */
export const sourceKindEnum = pgEnum("source_kind", ["text", "file", "url", "sitemap", "qa"]);
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
    /** Pasted text, the URL for url/sitemap sources, or the answer of a `qa` entry. */
    input: text("input"),
    /** A `qa` entry: the other ways customers asked its question, searched beside it (null for other kinds). */
    qaVariants: text("qa_variants").array(),
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
    /**
     * The embedding model every chunk of this source has a vector from (null: some have none yet).
     * The embedding worker takes sources whose value differs from EMBEDDING_MODEL, so a new import
     * (which clears it) and a change of model are both picked up without a job to start.
     */
    embeddedModel: text("embedded_model"),
    /** Why the last embedding attempt failed (the source stays searchable by text meanwhile). */
    embeddingError: text("embedding_error"),
    /** Embedding attempts since the last success, for the back-off between retries. */
    embeddingAttempts: integer("embedding_attempts").notNull().default(0),
    /** A worker's lease on embedding this source, or when to try again after a failure. */
    embeddingNextAt: timestamp("embedding_next_at", { withTimezone: true }),
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
    /** ISO 639-1 code detected at import ("und" when it could not be told). */
    language: text("language").notNull().default("en"),
    /** The text search configuration the chunk is indexed with: its language's stemmer, or simple. */
    tsConfig: regconfig("ts_config")
      .notNull()
      .default(sql`'english'::regconfig`),
    tsv: tsvector("tsv")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector("ts_config", coalesce("title", '') || ' ' || coalesce("heading", '')), 'A') || setweight(to_tsvector("ts_config", "content"), 'B')`,
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

/**
 * One vector per chunk, made by the embedding model named in `model` (with `dims` dimensions),
 * normalised to length 1 so cosine similarity is a dot product. A plain float array works on every
 * PostgreSQL; where the pgvector extension is installed, search casts it to `vector` for its cosine
 * operator (lib/knowledge/vector-search.ts). Rows of another model than
 * the configured one are ignored by search and replaced by the embedding worker. `bits` holds the sign
 * of each dimension (binary quantisation): search ranks a bot's chunks by Hamming distance on it first,
 * which is cheap on any PostgreSQL, and computes exact cosine for the best few hundred only.
 */
export const knowledgeEmbeddings = pgTable(
  "knowledge_embeddings",
  {
    chunkId: bigint("chunk_id", { mode: "number" })
      .primaryKey()
      .references(() => knowledgeChunks.id, { onDelete: "cascade" }),
    botId: text("bot_id").notNull(),
    model: text("model").notNull(),
    dims: integer("dims").notNull(),
    embedding: real("embedding").array().notNull(),
    bits: bitVarying("bits").notNull(),
  },
  (t) => [index("knowledge_embeddings_bot_model_idx").on(t.botId, t.model)],
);

/** Chunks per bot (the N of IDF), kept by the same trigger. The row is also the lock that orders concurrent writers of one bot's terms. */
export const knowledgeBotStats = pgTable("knowledge_bot_stats", {
  botId: text("bot_id").primaryKey(),
  chunks: integer("chunks").notNull(),
});

/**
 * The bot's vocabulary as written (lower-cased words, not stems), with the number of chunks holding
 * each; kept by the same trigger. Typo correction looks question words up here (trigram index).
 */
export const knowledgeWords = pgTable(
  "knowledge_words",
  {
    botId: text("bot_id").notNull(),
    word: text("word").notNull(),
    df: integer("df").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.botId, t.word] }),
    index("knowledge_words_trgm_idx").using("gin", t.botId, sql`${t.word} gin_trgm_ops`),
  ],
);

/** Chunks per bot and language (the languages a bot's questions are expected in), kept by the same trigger. */
export const knowledgeLanguages = pgTable(
  "knowledge_languages",
  {
    botId: text("bot_id").notNull(),
    language: text("language").notNull(),
    chunks: integer("chunks").notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.language] })],
);

// ── Integrations and keys ───────────────────────────────────────────────────

export const integrationTypeEnum = pgEnum("integration_type", ["custom_api", "widget"]);

export type WidgetTheme = "light" | "dark" | "auto";
export type WidgetPosition = "right" | "left";
export type WidgetLauncherIcon = "chat" | "help" | "sparkles";
/** How a website widget looks and greets (integrations of type `widget`). */
export type WidgetSettings = {
  title: string;
  greeting: string;
  /** `#rrggbb`. */
  accentColor: string;
  theme: WidgetTheme;
  position: WidgetPosition;
  launcherIcon: WidgetLauncherIcon;
  /** Ask for a name and email (the bot's lead capture fields) before the chat starts. */
  askContact: boolean;
};
export const DEFAULT_WIDGET: WidgetSettings = {
  title: "Chat with us",
  greeting: "Hi! How can we help you today?",
  accentColor: "#4f46e5",
  theme: "auto",
  position: "right",
  launcherIcon: "chat",
  askContact: false,
};

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
    allowedIps: text("allowed_ips")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Include `sources` (knowledge titles) in API responses. */
    returnSources: boolean("return_sources").notNull().default(false),
    /** Requests a minute one end user (`user_id`) may send (null: no per-user limit). */
    userRequestsPerMinute: integer("user_requests_per_minute"),
    /** Messages a calendar month (UTC) one end user may send (null: no per-user limit). */
    userMessagesPerMonth: integer("user_messages_per_month"),
    /** Widget: canonical origins (`https://*.example.com` for subdomains); empty means no website may embed it. */
    allowedOrigins: text("allowed_origins")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Widget: appearance and greeting (null for other types). */
    widget: jsonb("widget").$type<WidgetSettings>(),
    /** Widget: the identity verification secret (HMAC-SHA256 of user ids); null when not turned on. */
    identitySecret: text("identity_secret"),
    /** A disabled integration refuses requests politely and keeps everything; enabling it again restores it. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
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
    /** When the team was emailed that this conversation waits for a person (null: not yet, or no email sent). */
    handoffNotifiedAt: timestamp("handoff_notified_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: createdAt(),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The Chat API's list of an integration's conversations pages through this order.
    index("conversations_integration_idx").on(t.integrationId, t.lastMessageAt, t.id),
    index("conversations_workspace_idx").on(t.workspaceId, t.lastMessageAt),
    // The conversations whose team has not been emailed yet: a handful at any time, whatever the table's size.
    index("conversations_handoff_notice_idx")
      .on(t.handoffRequestedAt)
      .where(sql`${t.status} = 'handoff_requested' and ${t.handoffNotifiedAt} is null`),
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
    /**
     * What kind of reply an assistant message is: the engine's kind (answer, fallback, greeting, thanks,
     * smalltalk) or `handoff`; null for other roles and for replies stored before it was recorded.
     */
    replyKind: text("reply_kind").$type<ReplyKind>(),
    /** The built-in engine's confidence in an answer (0..1); null when the engine gives none. */
    confidence: real("confidence"),
    /** How long the bot took to write the reply (retrieval and the engine), in milliseconds. */
    latencyMs: integer("latency_ms"),
    authorUserId: text("author_user_id").references(() => users.id, { onDelete: "set null" }),
    /** For team messages: when the API client was given it. */
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("messages_conversation_idx").on(t.conversationId, t.createdAt)],
);

export const REPLY_KINDS = ["answer", "fallback", "handoff", "greeting", "thanks", "smalltalk"] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];

export const feedbackRatingEnum = pgEnum("feedback_rating", ["up", "down"]);

/** An end user's thumbs up or down on one bot reply (one per message: a second rating replaces the first). */
export const messageFeedback = pgTable(
  "message_feedback",
  {
    messageId: text("message_id")
      .primaryKey()
      .references(() => messages.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    rating: feedbackRatingEnum("rating").notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("message_feedback_conversation_idx").on(t.conversationId),
    index("message_feedback_workspace_idx").on(t.workspaceId, t.createdAt),
  ],
);

// ── Unanswered questions ────────────────────────────────────────────────────

export const unansweredReasonEnum = pgEnum("unanswered_reason", ["fallback", "low_confidence", "thumbs_down"]);
export const unansweredStatusEnum = pgEnum("unanswered_status", ["open", "dismissed", "answered"]);

/**
 * A topic of questions the bot could not answer well: near-duplicate questions grouped (lib/unanswered). The
 * owner answers it (a curated `qa` knowledge source), dismisses it, or snoozes it until a date. Holds no text:
 * its questions are the messages its rows point at.
 */
export const unansweredTopics = pgTable(
  "unanswered_topics",
  {
    id: text("id").primaryKey(), // topic_…
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    status: unansweredStatusEnum("status").notNull().default("open"),
    /** Hidden from the open list until then (an open topic only). */
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true }),
    /** The curated answer written for it. */
    answerSourceId: text("answer_source_id").references(() => knowledgeSources.id, { onDelete: "set null" }),
    decidedByUserId: text("decided_by_user_id").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("unanswered_topics_workspace_idx").on(t.workspaceId, t.status),
    index("unanswered_topics_bot_idx").on(t.botId),
  ],
);

/**
 * One reply that did not answer (the bot's fallback, an answer of low confidence, or one the customer rated
 * down), with the question it replied to. Written with the exchange (save_exchanges) or by the feedback
 * endpoint; grouped into a topic afterwards (`topic_id` null until then). Deleted with its messages.
 */
export const unansweredQuestions = pgTable(
  "unanswered_questions",
  {
    replyMessageId: text("reply_message_id")
      .primaryKey()
      .references(() => messages.id, { onDelete: "cascade" }),
    questionMessageId: text("question_message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    botId: text("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    reason: unansweredReasonEnum("reason").notNull(),
    askedAt: timestamp("asked_at", { withTimezone: true }).notNull(),
    topicId: text("topic_id").references(() => unansweredTopics.id, { onDelete: "set null" }),
    /** The question's normalised terms (stems without stopwords), set when it is grouped. */
    terms: text("terms").array(),
    /** The question's vector and the model that made it, when an embedding model grouped it. */
    embedding: real("embedding").array(),
    embeddingModel: text("embedding_model"),
  },
  (t) => [
    index("unanswered_questions_topic_idx").on(t.topicId),
    index("unanswered_questions_ungrouped_idx")
      .on(t.workspaceId, t.askedAt)
      .where(sql`${t.topicId} is null`),
    index("unanswered_questions_conversation_idx").on(t.conversationId),
    index("unanswered_questions_question_idx").on(t.questionMessageId),
  ],
);

/** The weekly digest of unanswered questions, per workspace: whether it is wanted, and when it last went out. */
export const unansweredDigests = pgTable("unanswered_digests", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  enabled: boolean("enabled").notNull().default(true),
  lastSentAt: timestamp("last_sent_at", { withTimezone: true }),
});

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
    uniqueIndex("leads_workspace_email_idx")
      .on(t.workspaceId, t.email)
      .where(sql`${t.email} is not null`),
    uniqueIndex("leads_workspace_phone_idx")
      .on(t.workspaceId, t.phone)
      .where(sql`${t.phone} is not null`),
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
  (t) => [
    primaryKey({ columns: [t.leadId, t.conversationId] }),
    index("lead_conversations_conversation_idx").on(t.conversationId),
  ],
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

/**
 * Messages used in a calendar month (UTC): the workspace's (subject '') and, where an integration
 * limits its end users, each end user's (subject `eu:<integration>:<SHA-256 of the user id>`).
 */
export const usage = pgTable(
  "usage",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    subject: text("subject").notNull().default(""),
    month: date("month").notNull(), // first day of the month
    used: integer("used").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.subject, t.month] })],
);

/**
 * A message the quota took whose outcome is not settled yet: written in the admission statement,
 * deleted in the statement that stores the bot's reply (the charge stands) or by the refund (the
 * message is given back). One left over after a crash or an outage is refunded by the reconciler
 * (lib/quota.ts), so quota used always comes back to the replies stored.
 */
export const quotaHolds = pgTable(
  "quota_holds",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    month: date("month").notNull(),
    /** The end user's month that counted the message too (usage.subject), given back with the workspace's. */
    subject: text("subject"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("quota_holds_created_idx").on(t.createdAt)],
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
export type KnowledgeEmbedding = typeof knowledgeEmbeddings.$inferSelect;
export type Integration = typeof integrations.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type MessageFeedback = typeof messageFeedback.$inferSelect;
export type FeedbackRating = (typeof feedbackRatingEnum.enumValues)[number];
export type Lead = typeof leads.$inferSelect;
export type UnansweredTopic = typeof unansweredTopics.$inferSelect;
export type UnansweredQuestion = typeof unansweredQuestions.$inferSelect;
export type UnansweredReason = (typeof unansweredReasonEnum.enumValues)[number];
export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type Invite = typeof invites.$inferSelect;

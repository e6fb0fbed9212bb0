CREATE TYPE "public"."unanswered_reason" AS ENUM('fallback', 'low_confidence', 'thumbs_down');--> statement-breakpoint
CREATE TYPE "public"."unanswered_status" AS ENUM('open', 'dismissed', 'answered');--> statement-breakpoint
ALTER TYPE "public"."source_kind" ADD VALUE 'qa';--> statement-breakpoint
CREATE TABLE "unanswered_digests" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "unanswered_questions" (
	"reply_message_id" text PRIMARY KEY NOT NULL,
	"question_message_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"bot_id" text NOT NULL,
	"reason" "unanswered_reason" NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"topic_id" text,
	"terms" text[],
	"embedding" real[],
	"embedding_model" text
);
--> statement-breakpoint
CREATE TABLE "unanswered_topics" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"bot_id" text NOT NULL,
	"status" "unanswered_status" DEFAULT 'open' NOT NULL,
	"snoozed_until" timestamp with time zone,
	"answer_source_id" text,
	"decided_by_user_id" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD COLUMN "qa_variants" text[];--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reply_kind" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "confidence" real;--> statement-breakpoint
ALTER TABLE "unanswered_digests" ADD CONSTRAINT "unanswered_digests_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_questions" ADD CONSTRAINT "unanswered_questions_reply_message_id_messages_id_fk" FOREIGN KEY ("reply_message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_questions" ADD CONSTRAINT "unanswered_questions_question_message_id_messages_id_fk" FOREIGN KEY ("question_message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_questions" ADD CONSTRAINT "unanswered_questions_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_questions" ADD CONSTRAINT "unanswered_questions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_questions" ADD CONSTRAINT "unanswered_questions_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_questions" ADD CONSTRAINT "unanswered_questions_topic_id_unanswered_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."unanswered_topics"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_topics" ADD CONSTRAINT "unanswered_topics_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_topics" ADD CONSTRAINT "unanswered_topics_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_topics" ADD CONSTRAINT "unanswered_topics_answer_source_id_knowledge_sources_id_fk" FOREIGN KEY ("answer_source_id") REFERENCES "public"."knowledge_sources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_topics" ADD CONSTRAINT "unanswered_topics_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "unanswered_questions_topic_idx" ON "unanswered_questions" USING btree ("topic_id");--> statement-breakpoint
CREATE INDEX "unanswered_questions_ungrouped_idx" ON "unanswered_questions" USING btree ("workspace_id","asked_at") WHERE "unanswered_questions"."topic_id" is null;--> statement-breakpoint
CREATE INDEX "unanswered_questions_conversation_idx" ON "unanswered_questions" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "unanswered_questions_question_idx" ON "unanswered_questions" USING btree ("question_message_id");--> statement-breakpoint
CREATE INDEX "unanswered_topics_workspace_idx" ON "unanswered_topics" USING btree ("workspace_id","status");--> statement-breakpoint
CREATE INDEX "unanswered_topics_bot_idx" ON "unanswered_topics" USING btree ("bot_id");--> statement-breakpoint
-- save_exchanges also stores what kind of reply the bot gave (reply_kind, confidence) and, for a reply that did
-- not answer (item key `unanswered`: fallback or low_confidence), its row in unanswered_questions, in the same
-- statement as the exchange. Otherwise as in 0011.
CREATE OR REPLACE FUNCTION "save_exchanges"(p_items jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  it jsonb;
  p jsonb;
  v_id text;
  v_t timestamptz;
  v_found boolean;
BEGIN
  FOR it IN SELECT value FROM jsonb_array_elements(p_items) LOOP
    p := coalesce(it->'patch', '{}'::jsonb);
    v_id := it->>'conversation_id';
    v_found := true;
    IF (it->>'new')::boolean THEN
      INSERT INTO conversations (id, workspace_id, bot_id, integration_id, external_user_id, channel)
      VALUES (v_id, it->>'workspace_id', it->>'bot_id', it->>'integration_id', it->>'external_user_id', it->>'channel');
    END IF;
    IF NOT (it->>'new')::boolean OR p <> '{}'::jsonb THEN
      UPDATE conversations c SET
        last_message_at = now(),
        status = CASE WHEN p ? 'status' THEN (p->>'status')::conversation_status ELSE c.status END,
        consecutive_fallbacks = CASE WHEN p ? 'consecutive_fallbacks' THEN (p->>'consecutive_fallbacks')::int ELSE c.consecutive_fallbacks END,
        handoff_offered_at = CASE WHEN p ? 'handoff_offered_at' THEN (p->>'handoff_offered_at')::timestamptz ELSE c.handoff_offered_at END,
        lead_asked_at = CASE WHEN p ? 'lead_asked_at' THEN (p->>'lead_asked_at')::timestamptz ELSE c.lead_asked_at END
      WHERE c.id = v_id;
      v_found := FOUND;
    END IF;
    IF v_found THEN
      v_t := greatest(clock_timestamp(), (SELECT max(m.created_at) + interval '1 microsecond' FROM messages m WHERE m.conversation_id = v_id));
      INSERT INTO messages (id, conversation_id, role, content, created_at)
      VALUES (it->>'user_message_id', v_id, 'user', it->>'user_message', v_t);
      IF it->>'reply' IS NOT NULL THEN
        INSERT INTO messages (id, conversation_id, role, content, sources, engine, reply_kind, confidence, latency_ms, created_at)
        VALUES (it->>'reply_message_id', v_id, 'assistant', it->>'reply', it->'sources', it->>'engine', it->>'reply_kind',
                (it->>'confidence')::real, (it->>'latency_ms')::int, v_t + interval '1 microsecond');
        IF it->>'unanswered' IS NOT NULL THEN
          INSERT INTO unanswered_questions (reply_message_id, question_message_id, conversation_id, workspace_id, bot_id, reason, asked_at)
          SELECT it->>'reply_message_id', it->>'user_message_id', v_id, c.workspace_id, c.bot_id, (it->>'unanswered')::unanswered_reason, v_t
          FROM conversations c WHERE c.id = v_id;
        END IF;
      END IF;
      IF jsonb_typeof(it->'delivered_ids') = 'array' THEN
        UPDATE messages m SET delivered_at = now()
        WHERE m.conversation_id = v_id AND m.id IN (SELECT jsonb_array_elements_text(it->'delivered_ids'));
      END IF;
    END IF;
  END LOOP;
END
$$;

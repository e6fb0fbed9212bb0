-- save_exchanges becomes the only way an exchange is stored (db/queries/conversations.ts: grouped
-- exchanges, a lone one as a batch of one, and one inside the caller's transaction when a lead or a
-- handoff is written with it). Beyond 0005 an exchange may have no reply (a person owns the
-- conversation: only the user's message is stored) and may mark team messages as delivered.
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
        INSERT INTO messages (id, conversation_id, role, content, sources, engine, latency_ms, created_at)
        VALUES (it->>'reply_message_id', v_id, 'assistant', it->>'reply', it->'sources', it->>'engine', (it->>'latency_ms')::int, v_t + interval '1 microsecond');
      END IF;
      IF jsonb_typeof(it->'delivered_ids') = 'array' THEN
        UPDATE messages m SET delivered_at = now()
        WHERE m.conversation_id = v_id AND m.id IN (SELECT jsonb_array_elements_text(it->'delivered_ids'));
      END IF;
    END IF;
  END LOOP;
END
$$;

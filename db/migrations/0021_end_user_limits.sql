-- Limits per end user (an integration's optional requests a minute and messages a month per user_id),
-- with the same two rules as the integration's and the workspace's. usage gets a subject: '' is the
-- workspace's month, `eu:<integration>:<sha256 of the user id>` an end user's. take_quota takes the
-- subject (default ''); take_quotas is the end user's quota then the workspace's, and admit_requests
-- the end user's rate limit, then the integration's, then take_quotas. What a later limit refuses is
-- given back to the earlier one in the same call, so a request refused anywhere spends nothing. A quota
-- hold names the end user's month it also took (quota_holds.subject), so a refund gives back both.
ALTER TABLE "usage" ADD COLUMN "subject" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage" DROP CONSTRAINT "usage_workspace_id_month_pk";--> statement-breakpoint
ALTER TABLE "usage" ADD CONSTRAINT "usage_workspace_id_subject_month_pk" PRIMARY KEY("workspace_id","subject","month");--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "user_requests_per_minute" integer;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "user_messages_per_month" integer;--> statement-breakpoint
ALTER TABLE "quota_holds" ADD COLUMN "subject" text;--> statement-breakpoint
DROP FUNCTION "admit_requests"(text, int, int, float8, text, int);--> statement-breakpoint
DROP FUNCTION "take_quota"(text, int, int);--> statement-breakpoint
CREATE FUNCTION "take_quota"(p_workspace_id text, p_n int, p_month_limit int, p_subject text DEFAULT '')
RETURNS TABLE (granted int, used_before int, quota_month text, reset_seconds float8)
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := app_now();
  v_month date := date_trunc('month', v_now AT TIME ZONE 'UTC')::date;
BEGIN
  granted := 0;
  quota_month := v_month::text;
  reset_seconds := extract(epoch FROM (date_trunc('month', v_now AT TIME ZONE 'UTC') + interval '1 month' - (v_now AT TIME ZONE 'UTC')));
  IF p_n > 0 AND p_month_limit > 0 THEN
    INSERT INTO usage AS u (workspace_id, subject, month, used) VALUES (p_workspace_id, p_subject, v_month, 0)
      ON CONFLICT (workspace_id, subject, month) DO NOTHING;
    SELECT u.used INTO used_before FROM usage u
      WHERE u.workspace_id = p_workspace_id AND u.subject = p_subject AND u.month = v_month FOR UPDATE;
    granted := least(p_n, greatest(0, p_month_limit - used_before));
    IF granted > 0 THEN
      UPDATE usage u SET used = u.used + granted
        WHERE u.workspace_id = p_workspace_id AND u.subject = p_subject AND u.month = v_month;
    END IF;
  END IF;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "take_quotas"(p_workspace_id text, p_n int, p_month_limit int, p_user_subject text, p_user_month_limit int)
RETURNS TABLE (uq_granted int, uq_used_before int, q_granted int, q_used_before int, q_month text, q_reset float8)
LANGUAGE plpgsql AS $$
DECLARE
  u record;
  q record;
BEGIN
  uq_granted := p_n;
  IF p_user_subject IS NOT NULL THEN
    SELECT * INTO u FROM take_quota(p_workspace_id, p_n, p_user_month_limit, p_user_subject);
    uq_granted := u.granted;
    uq_used_before := u.used_before;
  END IF;
  SELECT * INTO q FROM take_quota(p_workspace_id, uq_granted, p_month_limit);
  IF p_user_subject IS NOT NULL AND q.granted < uq_granted THEN
    -- The workspace's quota refused some: the end user's month does not count them.
    UPDATE usage SET used = used - (uq_granted - q.granted)
      WHERE workspace_id = p_workspace_id AND subject = p_user_subject AND month = q.quota_month::date;
  END IF;
  q_granted := q.granted;
  q_used_before := q.used_before;
  q_month := q.quota_month;
  q_reset := q.reset_seconds;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "admit_requests"(p_key text, p_n int, p_limit int, p_period float8, p_workspace_id text, p_month_limit int,
  p_user_key text DEFAULT NULL, p_user_limit int DEFAULT 0, p_user_subject text DEFAULT NULL, p_user_month_limit int DEFAULT 0)
RETURNS TABLE (ur_granted int, ur_base_ahead float8, rl_granted int, rl_base_ahead float8, rl_ahead_after float8,
  uq_granted int, uq_used_before int, q_granted int, q_used_before int, q_month text, q_reset float8)
LANGUAGE plpgsql AS $$
DECLARE
  ur record;
  r record;
  q record;
BEGIN
  ur_granted := p_n;
  ur_base_ahead := 0;
  IF p_user_key IS NOT NULL THEN
    SELECT * INTO ur FROM gcra_admit(p_user_key, p_n, p_user_limit, p_period);
    ur_granted := ur.granted;
    ur_base_ahead := ur.base_ahead;
  END IF;
  SELECT * INTO r FROM gcra_admit(p_key, ur_granted, p_limit, p_period);
  IF p_user_key IS NOT NULL AND r.granted < ur_granted THEN
    -- The integration's limit refused some: the end user's arrival time does not count them.
    UPDATE rate_limits SET tat = tat - make_interval(secs => (ur_granted - r.granted) * (p_period / p_user_limit))
      WHERE key = p_user_key;
  END IF;
  SELECT * INTO q FROM take_quotas(p_workspace_id, r.granted, p_month_limit, p_user_subject, p_user_month_limit);
  rl_granted := r.granted;
  rl_base_ahead := r.base_ahead;
  rl_ahead_after := r.base_ahead + r.granted * (p_period / p_limit);
  uq_granted := q.uq_granted;
  uq_used_before := q.uq_used_before;
  q_granted := q.q_granted;
  q_used_before := q.q_used_before;
  q_month := q.q_month;
  q_reset := q.q_reset;
  RETURN NEXT;
END
$$;

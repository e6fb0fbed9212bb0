-- The rate limit and the monthly quota, each once. gcra_admit is the rate limit (GCRA: one theoretical
-- arrival time per key, on app_now()) for a batch of p_n requests in arrival order: as many as fit the
-- window pass. take_quota takes up to p_n messages from a workspace's month (UTC, app_now()). Each
-- locks its row for the rest of the transaction, so instances and concurrent calls take turns and the
-- limits stay exact. admit_requests (the Chat API) is the two in one call: the quota takes what it has
-- left of what the rate limit let through. A lone request is a batch of one; with Redis the rate limit
-- is Redis's script (lib/rate-limit-redis.ts, the same rule) and the quota take_quota.
CREATE FUNCTION "gcra_admit"(p_key text, p_n int, p_limit int, p_period float8)
RETURNS TABLE (granted int, base_ahead float8)
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := app_now();
  v_emission float8 := p_period / p_limit;
  v_tat timestamptz;
  v_base timestamptz;
BEGIN
  INSERT INTO rate_limits AS r (key, tat) VALUES (p_key, v_now) ON CONFLICT (key) DO NOTHING;
  SELECT r.tat INTO v_tat FROM rate_limits r WHERE r.key = p_key FOR UPDATE;
  v_base := greatest(v_tat, v_now);
  base_ahead := extract(epoch FROM (v_base - v_now));
  -- Request i (1-based) fits while base + i * emission - now <= period (a millionth of a request of slack for interval rounding).
  granted := least(p_n, greatest(0, floor((p_period - base_ahead) / v_emission + 1e-6)))::int;
  IF granted > 0 THEN
    UPDATE rate_limits r SET tat = v_base + make_interval(secs => granted * v_emission) WHERE r.key = p_key;
  END IF;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "take_quota"(p_workspace_id text, p_n int, p_month_limit int)
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
    INSERT INTO usage AS u (workspace_id, month, used) VALUES (p_workspace_id, v_month, 0) ON CONFLICT (workspace_id, month) DO NOTHING;
    SELECT u.used INTO used_before FROM usage u WHERE u.workspace_id = p_workspace_id AND u.month = v_month FOR UPDATE;
    granted := least(p_n, greatest(0, p_month_limit - used_before));
    IF granted > 0 THEN
      UPDATE usage u SET used = u.used + granted WHERE u.workspace_id = p_workspace_id AND u.month = v_month;
    END IF;
  END IF;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "admit_requests"(p_key text, p_n int, p_limit int, p_period float8, p_workspace_id text, p_month_limit int)
RETURNS TABLE (rl_granted int, rl_base_ahead float8, rl_ahead_after float8, q_granted int, q_used_before int, q_month text, q_reset float8)
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  q record;
BEGIN
  SELECT * INTO r FROM gcra_admit(p_key, p_n, p_limit, p_period);
  SELECT * INTO q FROM take_quota(p_workspace_id, r.granted, p_month_limit);
  rl_granted := r.granted;
  rl_base_ahead := r.base_ahead;
  rl_ahead_after := r.base_ahead + r.granted * (p_period / p_limit);
  q_granted := q.granted;
  q_used_before := q.used_before;
  q_month := q.quota_month;
  q_reset := q.reset_seconds;
  RETURN NEXT;
END
$$;

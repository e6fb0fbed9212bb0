-- Admits up to p_n Chat API requests of one integration at once (lib/admission.ts sends the requests
-- of one key that arrive while its previous statement is in flight as one call): the rate limit
-- (GCRA, one theoretical arrival time per key, on app_now()) lets through as many as fit the window,
-- in order, and the monthly quota takes as many of those as it has left. Both rows are locked in
-- this order for the rest of the transaction, so instances and concurrent calls take turns and the
-- limits stay exact. One call replaces n statements that would queue on the same two row locks.
CREATE FUNCTION "admit_requests"(p_key text, p_n int, p_limit int, p_period float8, p_workspace_id text, p_month_limit int)
RETURNS TABLE (rl_granted int, rl_base_ahead float8, rl_ahead_after float8, q_granted int, q_used_before int, q_month text, q_reset float8)
LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := app_now();
  v_emission float8 := p_period / p_limit;
  v_tat timestamptz;
  v_base timestamptz;
  v_month date := date_trunc('month', v_now AT TIME ZONE 'UTC')::date;
BEGIN
  INSERT INTO rate_limits AS r (key, tat) VALUES (p_key, v_now) ON CONFLICT (key) DO NOTHING;
  SELECT r.tat INTO v_tat FROM rate_limits r WHERE r.key = p_key FOR UPDATE;
  v_base := greatest(v_tat, v_now);
  rl_base_ahead := extract(epoch FROM (v_base - v_now));
  -- Request i (1-based) fits while base + i * emission - now <= period (a microsecond of slack for interval rounding).
  rl_granted := least(p_n, greatest(0, floor((p_period - rl_base_ahead) / v_emission + 1e-6)))::int;
  IF rl_granted > 0 THEN
    UPDATE rate_limits r SET tat = v_base + make_interval(secs => rl_granted * v_emission) WHERE r.key = p_key;
  END IF;
  rl_ahead_after := rl_base_ahead + rl_granted * v_emission;
  q_granted := 0;
  q_month := v_month::text;
  q_reset := extract(epoch FROM (date_trunc('month', v_now AT TIME ZONE 'UTC') + interval '1 month' - (v_now AT TIME ZONE 'UTC')));
  IF rl_granted > 0 AND p_month_limit > 0 THEN
    INSERT INTO usage AS u (workspace_id, month, used) VALUES (p_workspace_id, v_month, 0) ON CONFLICT (workspace_id, month) DO NOTHING;
    SELECT u.used INTO q_used_before FROM usage u WHERE u.workspace_id = p_workspace_id AND u.month = v_month FOR UPDATE;
    q_granted := least(rl_granted, greatest(0, p_month_limit - q_used_before));
    IF q_granted > 0 THEN
      UPDATE usage u SET used = u.used + q_granted WHERE u.workspace_id = p_workspace_id AND u.month = v_month;
    END IF;
  END IF;
  RETURN NEXT;
END
$$;

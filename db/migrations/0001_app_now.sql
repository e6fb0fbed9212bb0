-- The clock for rate limits and quotas. It is the database's clock, so every app instance agrees;
-- tests freeze it by writing a row to app_clock, so window and month-boundary tests need no sleeping.
CREATE OR REPLACE FUNCTION app_now() RETURNS timestamptz
LANGUAGE sql STABLE
AS $$ SELECT coalesce((SELECT "now" FROM app_clock WHERE id = 1), now()) $$;

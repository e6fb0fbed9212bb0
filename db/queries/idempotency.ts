import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";

/** How long a key is remembered; a retry after this is a new request. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** Longer than any request can run (the generation deadline is 25 s by default). */
const ABANDONED_AFTER_SECONDS = 120;

type Key = { integrationId: string; key: string };

/**
 * Claims a key for a request with this body hash: true when this request is the one to run. One
 * INSERT … ON CONFLICT decides between concurrent retries; an expired or abandoned claim is taken over.
 */
export async function insertIdempotencyClaim(
  db: Db,
  { integrationId, key, requestHash }: Key & { requestHash: string },
): Promise<boolean> {
  const claimed = await queryRows<{ key: string }>(
    db,
    sql`insert into idempotency_keys as i (integration_id, key, request_hash)
        values (${integrationId}, ${key}, ${requestHash})
        on conflict (integration_id, key) do update
          set request_hash = excluded.request_hash, status_code = null, response = null, created_at = now()
          where i.created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
             -- a claim still running after this long belongs to a process that died mid-request
             or (i.status_code is null and i.created_at < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS}))
        returning key`,
  );
  return claimed.length > 0;
}

/** The key's record: the body hash it was claimed with and its outcome (null while still running). */
export async function findIdempotencyRecord(
  db: Db,
  { integrationId, key }: Key,
): Promise<{ requestHash: string; statusCode: number | null; response: unknown } | undefined> {
  const [row] = await queryRows<{ request_hash: string; status_code: number | null; response: unknown }>(
    db,
    sql`select request_hash, status_code, response from idempotency_keys where integration_id = ${integrationId} and key = ${key}`,
  );
  if (!row) return undefined;
  const response = typeof row.response === "string" ? JSON.parse(row.response) : row.response;
  return { requestHash: row.request_hash, statusCode: row.status_code, response };
}

/** Records the outcome that later retries with the same key receive. */
export async function recordIdempotencyOutcome(
  db: Db,
  { integrationId, key, statusCode, response }: Key & { statusCode: number; response: unknown },
): Promise<void> {
  await db.execute(
    sql`update idempotency_keys set status_code = ${statusCode}, response = ${JSON.stringify(response)}::jsonb
        where integration_id = ${integrationId} and key = ${key}`,
  );
}

/** Forgets a claim. */
export async function deleteIdempotencyClaim(db: Db, { integrationId, key }: Key): Promise<void> {
  await db.execute(sql`delete from idempotency_keys where integration_id = ${integrationId} and key = ${key}`);
}

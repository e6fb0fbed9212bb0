import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { ApiError } from "./api-error";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a key is remembered; a retry after this is a new request. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** Longer than any request can run (the generation deadline is 25 s by default). */
const ABANDONED_AFTER_SECONDS = 120;

export type IdempotencyClaim =
  | { kind: "claimed"; key: string }
  | { kind: "replay"; statusCode: number; response: unknown };

/**
 * Claims an Idempotency-Key for this integration, or finds its first outcome. One INSERT … ON
 * CONFLICT decides between concurrent retries: exactly one of them runs, the others see it.
 */
export async function claimIdempotencyKey(
  db: Db,
  { integrationId, key, rawBody }: { integrationId: string; key: string; rawBody: string },
): Promise<IdempotencyClaim> {
  if (!KEY_PATTERN.test(key)) throw new ApiError("invalid_idempotency_key");
  const requestHash = createHash("sha256").update(rawBody).digest("hex");
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
  if (claimed.length) return { kind: "claimed", key };
  const [row] = await queryRows<{ request_hash: string; status_code: number | null; response: unknown }>(
    db,
    sql`select request_hash, status_code, response from idempotency_keys where integration_id = ${integrationId} and key = ${key}`,
  );
  if (!row) return claimIdempotencyKey(db, { integrationId, key, rawBody }); // released in between: try again
  if (row.request_hash !== requestHash) throw new ApiError("idempotency_key_reused");
  if (row.status_code === null) throw new ApiError("idempotency_in_progress", undefined, { "Retry-After": "1" });
  const response = typeof row.response === "string" ? JSON.parse(row.response) : row.response;
  return { kind: "replay", statusCode: row.status_code, response };
}

/** Records the outcome that later retries with the same key receive. */
export async function completeIdempotencyKey(
  db: Db,
  { integrationId, key, statusCode, response }: { integrationId: string; key: string; statusCode: number; response: unknown },
): Promise<void> {
  await db.execute(
    sql`update idempotency_keys set status_code = ${statusCode}, response = ${JSON.stringify(response)}::jsonb
        where integration_id = ${integrationId} and key = ${key}`,
  );
}

/** Forgets a claim whose request failed in a way worth retrying (5xx, 429). */
export async function releaseIdempotencyKey(db: Db, { integrationId, key }: { integrationId: string; key: string }): Promise<void> {
  await db.execute(sql`delete from idempotency_keys where integration_id = ${integrationId} and key = ${key}`);
}

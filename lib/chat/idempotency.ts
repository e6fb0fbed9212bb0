import { createHash } from "node:crypto";
import type { Db } from "@/db";
import {
  deleteIdempotencyClaim,
  findIdempotencyRecord,
  insertIdempotencyClaim,
  recordIdempotencyOutcome,
} from "@/db/queries/idempotency";
import { ApiError } from "./api-error";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyKey = { integrationId: string; key: string };
export type IdempotencyClaim =
  ({ kind: "claimed" } & IdempotencyKey) | { kind: "replay"; statusCode: number; response: unknown };

/**
 * Claims an Idempotency-Key for this integration, or finds its first outcome: exactly one of
 * concurrent retries runs, the others see it (409 while it runs, 422 for another body).
 */
export async function claimIdempotencyKey(
  db: Db,
  { integrationId, key, rawBody }: IdempotencyKey & { rawBody: string },
): Promise<IdempotencyClaim> {
  if (!KEY_PATTERN.test(key)) throw new ApiError("invalid_idempotency_key");
  const requestHash = createHash("sha256").update(rawBody).digest("hex");
  for (;;) {
    if (await insertIdempotencyClaim(db, { integrationId, key, requestHash }))
      return { kind: "claimed", integrationId, key };
    const found = await findIdempotencyRecord(db, { integrationId, key });
    if (!found) continue; // released in between: try again
    if (found.requestHash !== requestHash) throw new ApiError("idempotency_key_reused");
    if (found.statusCode === null) throw new ApiError("idempotency_in_progress", undefined, { "Retry-After": "1" });
    return { kind: "replay", statusCode: found.statusCode, response: found.response };
  }
}

/**
 * What later retries with the key receive: a reply, or a definite refusal (a bad conversation) is
 * remembered; a retryable failure (429, 5xx) frees the key.
 */
export async function settleIdempotencyKey(
  db: Db,
  claimed: IdempotencyKey,
  outcome: { response: unknown } | { error: unknown },
): Promise<void> {
  if ("response" in outcome)
    return recordIdempotencyOutcome(db, { ...claimed, statusCode: 200, response: outcome.response });
  const { error } = outcome;
  if (error instanceof ApiError && error.status < 500 && error.status !== 429)
    return recordIdempotencyOutcome(db, { ...claimed, statusCode: error.status, response: error.body() });
  await deleteIdempotencyClaim(db, claimed).catch(() => {});
}

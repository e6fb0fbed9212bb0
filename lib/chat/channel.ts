import { getDb, type Database } from "@/db";
import { loadApiAuth, touchLastUsed, type ApiAuthRecord } from "@/db/queries/integrations";
import { checkApiKeyFormat, matchesAnyHash } from "@/lib/api-keys";
import { clientAddress } from "@/lib/client-ip";
import { isId } from "@/lib/ids";
import { isIpAllowed } from "@/lib/ip-allowlist";
import { errorFields, logEvent } from "@/lib/log";
import { ApiError } from "./api-error";

/**
 * The Custom API channel's admission: which integration is asked, whether the caller holds one of its
 * keys and calls from an allowed address. Another channel (a website widget) replaces this step and
 * hands the same ApiClient to the conversation turn.
 */
export type ApiClient = { db: Database; auth: ApiAuthRecord };

/** Integration (404), key (401), IP (403): the checks shared by every Chat API route, in the contract's order. */
export async function admitApiClient(req: Request, integrationId: string): Promise<ApiClient> {
  if (!isId("int", integrationId)) throw new ApiError("integration_not_found");
  const db = await getDb();
  const auth = await loadApiAuth(db, integrationId);
  if (!auth) throw new ApiError("integration_not_found");
  const key = req.headers.get("x-api-key");
  if (!key) throw new ApiError("missing_api_key");
  // One identical answer for malformed, wrong, revoked, expired and other integrations' keys.
  // The record may be cached: a key whose grace period ended since is no longer live.
  const now = Date.now();
  const live = auth.keys.filter((k) => !k.expiresAt || k.expiresAt.getTime() > now);
  const match = checkApiKeyFormat(key)
    ? matchesAnyHash(
        key,
        live.map((k) => k.hash),
      )
    : -1;
  if (match < 0) throw new ApiError("invalid_api_key");
  const address = clientAddress(req.headers);
  if (!isIpAllowed(address, auth.allowedIps))
    // The address as this server saw it: the first thing a developer needs to fix the allowlist.
    throw new ApiError(
      "ip_not_allowed",
      `This integration does not accept requests from ${address}, your address as Parley sees it.`,
    );
  noteUse(db, auth.integrationId, live[match]!.id);
  return { db, auth };
}

// last_used_at is written at most once a minute per key; this spares the database even the no-op update.
const lastTouched = new Map<string, number>();
function noteUse(db: Database, integrationId: string, keyId: string) {
  const now = Date.now();
  if ((lastTouched.get(keyId) ?? 0) > now - 60_000) return;
  lastTouched.set(keyId, now);
  if (lastTouched.size > 10_000) lastTouched.clear();
  touchLastUsed(db, { integrationId, keyId }).catch((error) => logEvent("last_used_failed", errorFields(error)));
}

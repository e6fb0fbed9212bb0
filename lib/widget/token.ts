import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { randomBase62 } from "@/lib/ids";

/**
 * The widget's per-visitor token: `wv1.<payload>.<signature>`, the payload a base64url JSON of the
 * integration, the page's origin, the visitor (and, once verified, the user id the business signed),
 * the signature HMAC-SHA256 under a key derived from AUTH_SECRET. Short-lived; an expired token whose
 * signature holds may be exchanged for a fresh one within REFRESH_WINDOW, so a visitor keeps their
 * conversation across days without a secret in the page.
 */

export const TOKEN_TTL_SECONDS = 60 * 60;
export const REFRESH_WINDOW_SECONDS = 30 * 24 * 60 * 60;
const PREFIX = "wv1";
const MAX_TOKEN_LENGTH = 1024;

export type VisitorClaims = {
  /** Integration id. */
  i: string;
  /** Origin of the page the widget runs on. */
  o: string;
  /** Visitor id (random, minted by the server). */
  v: string;
  /** The user id the business's backend signed (identity verification), if any. */
  u?: string;
  /** Expiry, seconds since the epoch. */
  e: number;
};

function signingKey(secret = process.env.AUTH_SECRET): Buffer {
  if (!secret) throw new Error("AUTH_SECRET is not set; widget tokens cannot be signed.");
  return createHash("sha256").update(`parley-widget-token\u0000${secret}`).digest();
}

function sign(payload: string, secret?: string): string {
  return createHmac("sha256", signingKey(secret)).update(`${PREFIX}.${payload}`).digest("base64url");
}

export function newVisitorId(): string {
  return `v_${randomBase62(22)}`;
}

/** A signed token for these claims, valid for TOKEN_TTL_SECONDS from `now`. */
export function mintVisitorToken(
  claims: Omit<VisitorClaims, "e">,
  opts: { now?: number; secret?: string } = {},
): { token: string; expiresAt: number } {
  const e = Math.floor((opts.now ?? Date.now()) / 1000) + TOKEN_TTL_SECONDS;
  const payload = Buffer.from(JSON.stringify({ ...claims, e })).toString("base64url");
  return { token: `${PREFIX}.${payload}.${sign(payload, opts.secret)}`, expiresAt: e };
}

export type TokenCheck =
  | { ok: true; claims: VisitorClaims }
  | { ok: false; reason: "malformed" | "bad_signature" | "wrong_integration" | "wrong_origin" | "expired" };

/**
 * Verifies a token for this integration and origin. `allowExpired` (the session endpoint's refresh)
 * accepts a token up to REFRESH_WINDOW_SECONDS past its expiry; every other use needs a live one.
 */
export function verifyVisitorToken(
  token: string | null | undefined,
  expect: { integrationId: string; origin: string },
  opts: { now?: number; secret?: string; allowExpired?: boolean } = {},
): TokenCheck {
  if (!token || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "malformed" };
  const [prefix, payload, signature, extra] = token.split(".");
  if (prefix !== PREFIX || !payload || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(sign(payload, opts.secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "bad_signature" };
  let claims: VisitorClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as VisitorClaims;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims.v !== "string" || typeof claims.e !== "number") return { ok: false, reason: "malformed" };
  if (claims.i !== expect.integrationId) return { ok: false, reason: "wrong_integration" };
  if (claims.o !== expect.origin) return { ok: false, reason: "wrong_origin" };
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  const deadline = claims.e + (opts.allowExpired ? REFRESH_WINDOW_SECONDS : 0);
  if (now >= deadline) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

/** The conversation owner a widget conversation is stored under: the verified user, else the visitor. */
export function conversationOwner(claims: Pick<VisitorClaims, "v" | "u">): string {
  return claims.u ? `user:${claims.u}` : `visitor:${claims.v}`;
}

/** The hash a business's backend computes for identity verification: hex HMAC-SHA256 of the user id under the integration's secret. */
export function identityHash(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(userId).digest("hex");
}

/** Whether `hash` is the identity hash of `userId` under `secret` (constant time). */
export function verifyIdentity(secret: string, userId: string, hash: string): boolean {
  const expected = Buffer.from(identityHash(secret, userId));
  const given = Buffer.from(hash.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A new identity verification secret (shown once in the dashboard). */
export function newIdentitySecret(): string {
  return `whs_${randomBase62(40)}`;
}

import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures, Stripe-style. Every delivery carries
 *
 *   Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * A receiver verifies it over the raw request body (the exact bytes, before any JSON parsing) with
 * {@link verifyWebhookSignature}, or by hand: split the header on ",", take `t` and every `v1`,
 * compute the HMAC of `${t}.${rawBody}` with the webhook's secret, compare in constant time, and
 * reject a timestamp older than a few minutes (a replayed request). Retries are signed afresh, so
 * their `t` is the time of the attempt; `Parley-Delivery` (the event id) is the same on every retry
 * and lets a receiver ignore a duplicate.
 */

/** The HMAC-SHA256 of `<t>.<rawBody>` under `secret`, hex. */
export function computeSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  const hmac = createHmac("sha256", secret).update(`${timestamp}.`, "utf8");
  return (typeof rawBody === "string" ? hmac.update(rawBody, "utf8") : hmac.update(rawBody)).digest("hex");
}

/** The `Parley-Signature` header value for a body sent at `timestamp` (unix seconds). */
export function signWebhookPayload(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, rawBody)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a `Parley-Signature` header against the raw body and the webhook's secret: a `v1` HMAC
 * must match (constant-time), and `t` must be within `toleranceSeconds` of `now` (default 300 s;
 * 0 or less turns the age check off).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Buffer,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number | Date } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: "missing signature header" };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined) return { ok: false, reason: "no timestamp in signature header" };
  if (signatures.length === 0) return { ok: false, reason: "no v1 signature in signature header" };
  const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), "hex");
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, "hex"), expected));
  if (!matches) return { ok: false, reason: "signature does not match" };
  const nowSeconds = Math.floor((now instanceof Date ? now.getTime() : now) / 1000);
  if (toleranceSeconds > 0 && Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return { ok: false, reason: "timestamp outside the tolerance" };
  return { ok: true, timestamp };
}

import type { Db } from "@/db";
import { clientAddress } from "./client-ip";
import { consumeRateLimit } from "./rate-limit";

// Per account and per address; the account limit stops guessing one password from many addresses.
export const SIGN_IN_LIMITS = { perEmail: 10, perIp: 30, periodSeconds: 15 * 60 };

/**
 * The per-address limit: SIGN_IN_LIMIT_PER_ADDRESS where many people share one address (an office behind
 * one NAT without a trusted proxy, or a test suite), else 30 per 15 minutes. The per-account limit stays.
 */
export function perAddressLimit(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.SIGN_IN_LIMIT_PER_ADDRESS);
  return Number.isInteger(value) && value > 0 ? value : SIGN_IN_LIMITS.perIp;
}

/**
 * Spends one sign-in attempt of the account's and of the client address's limits (the address as the
 * Chat API resolves it: behind TRUSTED_PROXIES, the real client's, not the proxy's). False: refused.
 */
export async function consumeSignInAttempt(db: Db, { email, headers }: { email: string; headers: Headers }) {
  const ip = clientAddress(headers) ?? "unknown";
  const [byEmail, byIp] = await Promise.all([
    consumeRateLimit(db, {
      key: `signin:email:${email}`,
      limit: SIGN_IN_LIMITS.perEmail,
      periodSeconds: SIGN_IN_LIMITS.periodSeconds,
    }),
    consumeRateLimit(db, {
      key: `signin:ip:${ip}`,
      limit: perAddressLimit(),
      periodSeconds: SIGN_IN_LIMITS.periodSeconds,
    }),
  ]);
  return byEmail.allowed && byIp.allowed;
}

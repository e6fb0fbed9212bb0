import { createHash, randomBytes } from "node:crypto";

/** How long an invite link works. */
export const INVITE_TTL_DAYS = 7;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new invite token (32 random bytes, base64url) and the SHA-256 that is all the database keeps. */
export function generateInviteToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashInviteToken(token) };
}

export function hashInviteToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** True for something shaped like a token: anything else is refused before the database is asked. */
export function isInviteTokenShape(token: string): boolean {
  return TOKEN.test(token);
}

/** The link an invitee opens. */
export function inviteUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/invite/${token}`;
}

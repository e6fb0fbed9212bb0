import { createHash, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";
import { BASE62, randomBase62 } from "./ids";

export const API_KEY_PREFIX = "sk-parley_";
const BODY_LENGTH = 32; // 32 × log2(62) ≈ 190 bits
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32, so any CRC32 fits
export const API_KEY_LENGTH = API_KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;

/** Published so secret scanners (GitHub, GitGuardian, trufflehog) can find leaked keys. */
export const API_KEY_PATTERN = "sk-parley_[0-9A-Za-z]{38}";
export const API_KEY_REGEX = new RegExp(`^${API_KEY_PATTERN}$`);

/** Base62 CRC32 of the key body, zero-padded to 6 characters. */
function checksum(body: string): string {
  let n = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62.charAt(n % 62) + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A new key with its SHA-256 (the only thing stored) and a display hint; the plaintext is shown once. */
export function generateApiKey(): { key: string; hash: Buffer; hint: string } {
  const body = randomBase62(BODY_LENGTH);
  const key = API_KEY_PREFIX + body + checksum(body);
  return { key, hash: hashApiKey(key), hint: key.slice(-4) };
}

/** SHA-256 of the whole key: a slow hash buys nothing against 190 random bits and costs CPU per request. */
export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** Whether the key is well-formed with a valid checksum; lets garbage be refused without a database read. */
export function checkApiKeyFormat(key: string): boolean {
  // Length first, so an oversized header costs nothing to refuse.
  if (typeof key !== "string" || key.length !== API_KEY_LENGTH || !API_KEY_REGEX.test(key)) return false;
  const body = key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  return checksum(body) === key.slice(-CHECKSUM_LENGTH);
}

/** Index of the stored hash that matches the key, or -1; compares in constant time. */
export function matchesAnyHash(key: string, hashes: readonly Uint8Array[]): number {
  const digest = hashApiKey(key);
  let found = -1;
  // Every hash is compared, so timing does not reveal which slot (if any) matched.
  hashes.forEach((stored, index) => {
    if (stored.length === digest.length && timingSafeEqual(stored, digest) && found === -1) found = index;
  });
  return found;
}

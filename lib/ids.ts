/**
 * Parley's ids: a type prefix and 22 base62 characters (`conv_4fJ2…`). Client-safe (Web Crypto only),
 * so the same `isId` guards route parameters, server actions and the browser.
 */

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export type IdPrefix =
  | "usr"
  | "ses"
  | "ws"
  | "bot"
  | "src"
  | "int"
  | "key"
  | "conv"
  | "msg"
  | "inv"
  | "lead"
  | "wh"
  | "evt"
  | "era"
  | "topic";

const ID_LENGTH = 22;
const PATTERNS = new Map<IdPrefix, RegExp>();

/** The regular expression source of an id with this prefix, anchored (for OpenAPI's `pattern`). */
export function idPattern(prefix: IdPrefix): string {
  return `^${prefix}_[0-9A-Za-z]{${ID_LENGTH}}$`;
}

/** Whether `value` is a well-formed id of this kind (checked before it goes near a query). */
export function isId(prefix: IdPrefix, value: unknown): value is string {
  if (typeof value !== "string") return false;
  let pattern = PATTERNS.get(prefix);
  if (!pattern) PATTERNS.set(prefix, (pattern = new RegExp(idPattern(prefix))));
  return pattern.test(value);
}

/**
 * Random bytes from the CSPRNG, drawn 4 KiB at a time and each used once (as crypto.randomUUID
 * caches its entropy): a request makes several ids, and one fill per id was measurable.
 */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** Uniformly random base62 string from the CSPRNG (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += BASE62[byte % 62]; // 248 = 4 × 62: bytes above it would bias the low digits
  }
  return out;
}

/** A prefixed, unguessable id such as `conv_4fJ2…` (22 base62 characters ≈ 131 bits). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(ID_LENGTH)}`;
}

import { randomFillSync } from "node:crypto";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * Random bytes from the CSPRNG, drawn 4 KiB at a time and each used once (as crypto.randomUUID
 * caches its entropy): a request makes several ids, and one fill per id was measurable.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
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
export function newId(prefix: "usr" | "ws" | "bot" | "src" | "int" | "key" | "conv" | "msg" | "inv" | "lead" | "wh" | "evt"): string {
  return `${prefix}_${randomBase62(22)}`;
}

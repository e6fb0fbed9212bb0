import { randomBytes } from "node:crypto";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniformly random base62 string from crypto.randomBytes (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62]; // 248 = 4 × 62: bytes above it would bias the low digits
      if (out.length === length) break;
    }
  }
  return out;
}

/** A prefixed, unguessable id such as `conv_4fJ2…` (22 base62 characters ≈ 131 bits). */
export function newId(prefix: "usr" | "ws" | "bot" | "src" | "int" | "key" | "conv" | "msg" | "inv" | "lead" | "wh" | "evt"): string {
  return `${prefix}_${randomBase62(22)}`;
}

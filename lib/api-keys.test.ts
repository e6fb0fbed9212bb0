import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  API_KEY_LENGTH,
  API_KEY_PATTERN,
  API_KEY_PREFIX,
  API_KEY_REGEX,
  checkApiKeyFormat,
  generateApiKey,
  hashApiKey,
  matchesAnyHash,
} from "./api-keys";
import { BASE62 } from "./ids";

const BODY_START = API_KEY_PREFIX.length;
const CHECKSUM_START = BODY_START + 32;

/** Decodes base62 independently of the implementation under test. */
function decodeBase62(text: string): number {
  return [...text].reduce((n, c) => n * 62 + BASE62.indexOf(c), 0);
}

function replaceAt(text: string, index: number, char: string): string {
  return text.slice(0, index) + char + text.slice(index + 1);
}

/** Pearson chi-square statistic of `text`'s characters against a uniform distribution over base62. */
function chiSquareUniform(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  const expected = text.length / BASE62.length;
  return [...BASE62].reduce((sum, c) => sum + ((counts.get(c) ?? 0) - expected) ** 2 / expected, 0);
}

// 61 degrees of freedom: mean 61, sd ≈ 11; 160 is beyond p = 1e-10, so a fair source never trips it.
const CHI_SQUARE_BOUND = 160;

afterEach(() => vi.restoreAllMocks());

describe("key format", () => {
  it("is the prefix, 32 base62 characters and a 6-character checksum", () => {
    const { key } = generateApiKey();
    expect(key).toHaveLength(48);
    expect(API_KEY_LENGTH).toBe(48);
    expect(key.startsWith("sk-parley_")).toBe(true);
    expect(key).toMatch(/^sk-parley_[0-9A-Za-z]{38}$/);
    expect(API_KEY_REGEX.test(key)).toBe(true);
    expect(checkApiKeyFormat(key)).toBe(true);
  });

  it("checksum is the zero-padded base62 CRC32 of the body", () => {
    for (let i = 0; i < 200; i++) {
      const { key } = generateApiKey();
      const body = key.slice(BODY_START, CHECKSUM_START);
      expect(decodeBase62(key.slice(CHECKSUM_START))).toBe(crc32(body));
    }
  });

  it("matches known vectors", () => {
    expect(checkApiKeyFormat("sk-parley_abcdefghijklmnopqrstuvwxyz0123451nc0VA")).toBe(true);
    expect(checkApiKeyFormat("sk-parley_000000000000000000000000000000002wjyrI")).toBe(true);
  });

  it("publishes a pattern a secret scanner can use to find keys in text", () => {
    const { key } = generateApiKey();
    const leaked = `config = {\n  apiKey: "${key}",\n}\nOPENAI=sk-proj-abc`;
    expect(leaked.match(new RegExp(API_KEY_PATTERN, "g"))).toEqual([key]);
    expect(API_KEY_REGEX.source).toBe(`^${API_KEY_PATTERN}$`);
    expect(API_KEY_REGEX.test(`x${key}`)).toBe(false);
    expect(API_KEY_REGEX.test(`${key}x`)).toBe(false);
  });
});

describe("checksum", () => {
  it("rejects every single-character change in the body or the checksum", () => {
    const { key } = generateApiKey();
    for (let i = BODY_START; i < key.length; i++) {
      for (const c of BASE62) {
        if (c === key[i]) continue;
        expect(checkApiKeyFormat(replaceAt(key, i, c)), `position ${i} → ${c}`).toBe(false);
      }
    }
  });

  it("rejects two swapped adjacent characters", () => {
    const key = "sk-parley_abcdefghijklmnopqrstuvwxyz0123451nc0VA";
    expect(checkApiKeyFormat(`sk-parley_bacdefghijklmnopqrstuvwxyz0123451nc0VA`)).toBe(false);
    expect(checkApiKeyFormat(key.slice(0, -2) + "AV")).toBe(false);
  });
});

describe("entropy source", () => {
  it("never repeats a key", () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey().key));
    expect(keys.size).toBe(2000);
  });

  it("spreads body characters uniformly over base62", () => {
    const bodies = Array.from({ length: 2000 }, () => generateApiKey().key.slice(BODY_START, CHECKSUM_START)).join("");
    expect(chiSquareUniform(bodies)).toBeLessThan(CHI_SQUARE_BOUND);
  });

  it("uses a bound that catches a modulo-biased source", () => {
    // byte % 62 over-represents the first 8 digits by 25%: the bias randomBase62's rejection sampling avoids.
    const biased = Array.from({ length: 64_000 }, (_, i) => BASE62.charAt((i % 256) % 62)).join("");
    expect(chiSquareUniform(biased)).toBeGreaterThan(CHI_SQUARE_BOUND);
  });

  it("does not use Math.random", () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
    expect(generateApiKey().key).not.toBe(generateApiKey().key);
    expect(random).not.toHaveBeenCalled();
  });
});

describe("hashing", () => {
  it("is SHA-256 of the whole key, 32 bytes", () => {
    const { key, hash, hint } = generateApiKey();
    expect(hash).toBeInstanceOf(Buffer);
    expect(hash).toHaveLength(32);
    expect(hash.equals(createHash("sha256").update(key).digest())).toBe(true);
    expect(hashApiKey(key).equals(hash)).toBe(true);
    expect(hint).toBe(key.slice(-4));
    expect(hint).toHaveLength(4);
  });

  it("differs for different keys", () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.hash.equals(b.hash)).toBe(false);
  });
});

describe("matchesAnyHash", () => {
  const a = generateApiKey();
  const b = generateApiKey();
  const c = generateApiKey();

  it("returns the index of the matching hash", () => {
    expect(matchesAnyHash(a.key, [a.hash])).toBe(0);
    expect(matchesAnyHash(b.key, [a.hash, b.hash, c.hash])).toBe(1);
    expect(matchesAnyHash(c.key, [a.hash, b.hash, c.hash])).toBe(2);
  });

  it("returns -1 when nothing matches", () => {
    expect(matchesAnyHash(c.key, [a.hash, b.hash])).toBe(-1);
    expect(matchesAnyHash(a.key, [])).toBe(-1);
    expect(matchesAnyHash("", [a.hash])).toBe(-1);
  });

  it("treats stored hashes of the wrong length as non-matches without throwing", () => {
    const truncated = a.hash.subarray(0, 16);
    const extended = Buffer.concat([a.hash, Buffer.from([0])]);
    expect(matchesAnyHash(a.key, [truncated, extended, Buffer.alloc(0)])).toBe(-1);
    expect(matchesAnyHash(a.key, [truncated, a.hash])).toBe(1);
  });

  it("accepts plain Uint8Arrays (as PGlite returns bytea)", () => {
    expect(matchesAnyHash(a.key, [new Uint8Array(b.hash), new Uint8Array(a.hash)])).toBe(1);
  });

  it("returns the first index when a hash is stored twice", () => {
    expect(matchesAnyHash(a.key, [b.hash, a.hash, a.hash])).toBe(1);
  });
});

describe("garbage input", () => {
  const { key } = generateApiKey();
  const body = key.slice(BODY_START);

  it.each([
    ["empty", ""],
    ["prefix only", API_KEY_PREFIX],
    ["10 KB", "a".repeat(10_240)],
    ["10 KB starting with a valid key", key + "a".repeat(10_240 - key.length)],
    ["NUL in place of a character", replaceAt(key, 20, "\0")],
    ["trailing NUL", `${key}\0`],
    ["trailing newline", `${key}\n`],
    ["newline in place of a character", replaceAt(key, 20, "\n")],
    ["leading space", ` ${key}`],
    ["trailing space", `${key} `],
    ["space in place of a character", replaceAt(key, 20, " ")],
    ["one character short", key.slice(0, -1)],
    ["one character long", `${key}0`],
    ["wrong prefix", `sk-parlez_${body}`],
    ["upper-case prefix", `SK-PARLEY_${body}`],
    ["another product's prefix", `sk-proj-ab${body}`],
    ["wrong checksum", key.slice(0, -6) + (key.endsWith("000000") ? "000001" : "000000")],
    ["non-ASCII digit", replaceAt(key, 20, "\uFF11")],
    ["dash in the body", replaceAt(key, 20, "-")],
    ["underscore in the body", replaceAt(key, 20, "_")],
    ["Bearer prefix", `Bearer ${key}`],
  ])("rejects %s", (_name, input) => {
    expect(checkApiKeyFormat(input)).toBe(false);
  });

  it("rejects non-strings from untyped callers without throwing", () => {
    for (const value of [undefined, null, 42, {}, [key]]) {
      expect(checkApiKeyFormat(value as unknown as string)).toBe(false);
    }
  });
});

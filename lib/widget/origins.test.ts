import { describe, expect, it } from "vitest";
import { isOriginAllowed, parseAllowedOrigins, parseOriginEntry } from "./origins";

describe("parseOriginEntry", () => {
  it.each([
    ["https://www.example.com", "https://www.example.com"],
    ["  HTTPS://WWW.Example.COM/ ", "https://www.example.com"],
    ["https://example.com:443", "https://example.com"],
    ["http://example.com:80", "http://example.com"],
    ["https://example.com:8443", "https://example.com:8443"],
    ["https://*.example.com", "https://*.example.com"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://127.0.0.1:4000", "http://127.0.0.1:4000"],
    ["https://bücher.example", "https://xn--bcher-kva.example"],
  ])("%s is %s", (input, origin) => {
    expect(parseOriginEntry(input)).toEqual({ ok: true, origin });
  });

  it.each([
    ["www.example.com", /Start with https/],
    ["ftp://example.com", /Only http/],
    ["https://example.com/pricing", /without a path/],
    ["https://example.com?x=1", /without a path/],
    ["https://user:pw@example.com", /user name/],
    ["https://www.*.example.com", /first part/],
    ["https://*example.com", /first part/],
    ["https://*.com", /domain after it/],
    ["https://exa mple.com", /not (a website address|a valid host)/],
    ["https://-bad-.example.com", /valid host name/],
    ["https://intranet", /full domain/],
    ["https://example.com:99999", /not a website address/],
    ["https://" + "a".repeat(300) + ".com", /at most/],
  ])("%s is refused", (input, reason) => {
    const parsed = parseOriginEntry(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe("parseAllowedOrigins", () => {
  it("reports each bad entry at its index, drops blanks and merges duplicates", () => {
    expect(parseAllowedOrigins(["https://a.example.com", "", "nope", "https://A.example.com/", "ftp://x.y"])).toEqual({
      ok: false,
      errors: [
        { index: 2, input: "nope", reason: expect.stringMatching(/Start with/) },
        { index: 4, input: "ftp://x.y", reason: expect.stringMatching(/Only http/) },
      ],
    });
    expect(parseAllowedOrigins(["https://a.example.com", "", "https://A.example.com/"])).toEqual({
      ok: true,
      origins: ["https://a.example.com"],
      warnings: [],
    });
  });

  it("warns about plain http except on the developer's own machine", () => {
    const parsed = parseAllowedOrigins(["http://shop.example.com", "http://localhost:3000"]);
    expect(parsed.ok && parsed.warnings).toEqual([
      expect.stringMatching(/^http:\/\/shop.example.com is not encrypted/),
    ]);
  });

  it("refuses more than 100 entries", () => {
    const many = Array.from({ length: 101 }, (_, n) => `https://s${n}.example.com`);
    const parsed = parseAllowedOrigins(many);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors).toEqual([expect.objectContaining({ index: 100 })]);
  });
});

describe("isOriginAllowed", () => {
  const allowed = ["https://www.example.com", "https://*.shop.example", "http://localhost:4000"];
  it.each([
    ["https://www.example.com", true],
    ["https://a.shop.example", true],
    ["https://a.b.shop.example", true],
    ["http://localhost:4000", true],
    ["https://shop.example", false], // the wildcard is for subdomains only
    ["http://www.example.com", false], // another scheme
    ["https://www.example.com:8443", false], // another port
    ["https://a.shop.example:444", false],
    ["https://evilshop.example", false],
    ["https://www.example.com.evil.test", false],
    ["https://www.example.com/", false], // not a serialised origin
    ["null", false],
    ["", false],
    [null, false],
    ["http://localhost:4001", false],
  ])("%s → %s", (origin, expected) => {
    expect(isOriginAllowed(origin, allowed)).toBe(expected);
  });

  it("an empty list allows no website", () => {
    expect(isOriginAllowed("https://www.example.com", [])).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import {
  MAX_ALLOWLIST_ENTRIES,
  isIpAllowed,
  normalizeIpAddress,
  parseAllowlist,
  parseAllowlistEntry,
} from "./ip-allowlist";

function cidrOf(input: string): string {
  const result = parseAllowlistEntry(input);
  if (!result.ok) throw new Error(`expected ${input} to parse, got: ${result.reason}`);
  return result.cidr;
}

function reasonFor(input: string): string {
  const result = parseAllowlistEntry(input);
  if (result.ok) throw new Error(`expected ${input} to be rejected, got ${result.cidr}`);
  return result.reason;
}

describe("parseAllowlistEntry: accepted entries in canonical form", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4/32"],
    ["  1.2.3.4\t", "1.2.3.4/32"],
    ["0.0.0.0", "0.0.0.0/32"],
    ["255.255.255.255", "255.255.255.255/32"],
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["192.168.1.0/24", "192.168.1.0/24"],
    ["203.0.113.7/32", "203.0.113.7/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["::1", "::1/128"],
    ["::", "::/128"],
    ["::/0", "::/0"],
    ["2001:DB8::1", "2001:db8::1/128"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1/128"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128"], // RFC 5952: compress the first of equal runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1/128"], // RFC 5952: a single zero group is not compressed
    ["2001:DB8:ABCD::/48", "2001:db8:abcd::/48"],
    ["fe80::/10", "fe80::/10"],
    ["::ffff:10.1.2.3", "10.1.2.3/32"],
    ["::FFFF:10.1.2.3", "10.1.2.3/32"],
    ["::ffff:a01:203", "10.1.2.3/32"],
    ["0:0:0:0:0:ffff:10.1.2.3", "10.1.2.3/32"],
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
    ["::ffff:0.0.0.0/96", "0.0.0.0/0"],
    ["::ffff:10.1.2.3/128", "10.1.2.3/32"],
    ["::1.2.3.4", "::102:304/128"], // IPv4-compatible, not mapped (ipaddr.js alone gets this wrong)
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221/128"],
  ])("%s → %s", (input, expected) => {
    expect(cidrOf(input)).toBe(expected);
  });
});

describe("parseAllowlistEntry: rejected entries", () => {
  it.each([
    ["", /enter an ip address/i],
    ["   ", /enter an ip address/i],
    ["example.com", /hostname/i],
    ["localhost", /hostname/i],
    ["my-server.internal", /hostname/i],
    ["1.2.3.4:80", /port/i],
    ["example.com:443", /port/i],
    ["[::1]:80", /brackets/i],
    ["[::1]", /brackets/i],
    ["[2001:db8::1]:443", /brackets/i],
    ["fe80::1%eth0", /zone/i],
    ["fe80::1%1", /zone/i],
    ["fe80::1%eth0/64", /zone/i],
    ["010.0.0.1", /leading zero/i],
    ["10.0.0.01", /leading zero/i],
    ["00.0.0.0", /leading zero/i],
    ["::ffff:010.0.0.1", /leading zero/i],
    ["300.1.1.1", /300 is out of range/],
    ["1.2.3.256", /256 is out of range/],
    ["::ffff:300.1.1.1", /out of range/],
    ["1.2.3.4/33", /0 to 32/],
    ["1.2.3.4/-1", /0 to 32/],
    ["1.2.3.4/", /0 to 32/],
    ["1.2.3.4/08", /0 to 32/],
    ["1.2.3.4/ 8", /0 to 32/],
    ["1.2.3.4/8.0", /0 to 32/],
    ["1.2.3.4/255.0.0.0", /0 to 32/],
    ["1.2.3.4/99999999999999999999", /0 to 32/],
    ["::/129", /0 to 128/],
    ["::ffff:10.0.0.0/129", /0 to 128/],
    ["1.2.3.4/8/8", /single \//],
    ["1.2.3", /four numbers/],
    ["127.1", /four numbers/],
    ["1.2.3.4.5", /four numbers/],
    ["1..2.3", /four numbers/],
    [".1.2.3", /four numbers/],
    ["1.2.3.4.", /four numbers/],
    ["2130706433", /four numbers/],
    ["0x7f.1", /dotted-decimal/],
    ["0x7f000001", /dotted-decimal/],
    ["0x7f.0.0.1", /dotted-decimal/],
    ["::ffff:0x7f.0.0.1", /four numbers/],
    ["::ffff:1.2.3", /four numbers/],
    ["1:2:3:4:5:6:7:8:9", /ipv6/i],
    ["1::2::3", /ipv6/i],
    [":::", /ipv6/i],
    ["12345::", /ipv6/i],
    ["00001::", /ipv6/i],
    ["g::1", /ipv6/i],
    ["1:2:3:4:5:6:7:1.2.3.4", /ipv6/i],
    ["1.2.3.4 5.6.7.8", /not an ip address/i],
    ["\u0661.2.3.4", /not an ip address/i], // Arabic-Indic digit one
    ["１.2.3.4", /not an ip address/i], // full-width digit
    ["1.2.3.4\0", /not an ip address/i],
    ["*", /not an ip address/i],
    ["10.0.0.*", /not an ip address/i],
    ["10.0.0.1-10.0.0.9", /hostname|not an ip/i],
    ["a".repeat(10_000), /too long/i],
  ])("rejects %j", (input, reason) => {
    expect(reasonFor(input)).toMatch(reason);
  });

  it("explains host bits and suggests the masked network", () => {
    expect(reasonFor("10.0.0.1/8")).toBe("10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?");
    expect(reasonFor(" 192.168.1.77/24 ")).toBe("192.168.1.77/24 has host bits set; did you mean 192.168.1.0/24?");
    expect(reasonFor("10.0.0.0/0")).toBe("10.0.0.0/0 has host bits set; did you mean 0.0.0.0/0?");
    expect(reasonFor("172.16.5.4/13")).toBe("172.16.5.4/13 has host bits set; did you mean 172.16.0.0/13?");
    expect(reasonFor("2001:DB8::1/32")).toBe("2001:DB8::1/32 has host bits set; did you mean 2001:db8::/32?");
    expect(reasonFor("2001:db8:abcd:12::1/63")).toMatch(/did you mean 2001:db8:abcd:12::\/63\?$/);
    expect(reasonFor("::ffff:10.0.0.1/104")).toBe("::ffff:10.0.0.1/104 has host bits set; did you mean 10.0.0.0/8?");
    // Shorter than /96 the range covers non-mapped IPv6 too, so the suggestion stays IPv6.
    expect(reasonFor("::ffff:0:0/95")).toBe("::ffff:0:0/95 has host bits set; did you mean ::fffe:0:0/95?");
  });

  it("gives short human sentences", () => {
    for (const input of [
      "example.com",
      "1.2.3.4:80",
      "fe80::1%eth0",
      "010.0.0.1",
      "300.1.1.1",
      "1.2.3.4/33",
      "1.2.3",
    ]) {
      const reason = reasonFor(input);
      expect(reason).toMatch(/^[A-Z0-9:].*[.?]$/);
      expect(reason.length).toBeLessThan(100);
    }
  });

  it("accepts a trailing newline, since it is trimmed", () => {
    expect(cidrOf("1.2.3.4\n")).toBe("1.2.3.4/32");
    expect(cidrOf("\r\n2001:db8::/32\r\n")).toBe("2001:db8::/32");
  });
});

describe("parseAllowlist", () => {
  it("canonicalises, keeps order and ignores blank lines", () => {
    expect(parseAllowlist(["10.0.0.0/8", "", "  ", "2001:DB8::1", "::ffff:192.0.2.1"])).toEqual({
      ok: true,
      cidrs: ["10.0.0.0/8", "2001:db8::1/128", "192.0.2.1/32"],
      warnings: [],
    });
  });

  it("de-duplicates after canonicalisation", () => {
    const result = parseAllowlist([
      "1.2.3.4",
      "1.2.3.4/32",
      " 1.2.3.4 ",
      "::ffff:1.2.3.4",
      "2001:db8::1",
      "2001:DB8:0::1/128",
    ]);
    expect(result).toEqual({ ok: true, cidrs: ["1.2.3.4/32", "2001:db8::1/128"], warnings: [] });
  });

  it("accepts an empty list", () => {
    expect(parseAllowlist([])).toEqual({ ok: true, cidrs: [], warnings: [] });
    expect(parseAllowlist(["", " "])).toEqual({ ok: true, cidrs: [], warnings: [] });
  });

  it("reports every bad entry with its index and what was typed", () => {
    const result = parseAllowlist(["10.0.0.0/8", "example.com", "", "10.0.0.1/8"]);
    expect(result).toEqual({
      ok: false,
      errors: [
        { index: 1, input: "example.com", reason: expect.stringMatching(/hostname/i) },
        { index: 3, input: "10.0.0.1/8", reason: "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?" },
      ],
    });
  });

  it(`allows ${MAX_ALLOWLIST_ENTRIES} entries and no more`, () => {
    const entries = Array.from({ length: 101 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`);
    expect(MAX_ALLOWLIST_ENTRIES).toBe(100);

    const atLimit = parseAllowlist(entries.slice(0, 100));
    expect(atLimit.ok && atLimit.cidrs).toHaveLength(100);

    const overLimit = parseAllowlist([...entries, "10.1.0.0/16"]);
    expect(overLimit).toEqual({
      ok: false,
      errors: [{ index: 100, input: entries[100], reason: expect.stringMatching(/at most 100/i) }],
    });
  });

  it("counts entries after de-duplication and blank lines", () => {
    const entries = Array.from({ length: 100 }, (_, i) => `10.0.0.${i}`);
    const result = parseAllowlist([...entries, "", ...entries, "::ffff:10.0.0.0"]);
    expect(result.ok && result.cidrs).toHaveLength(100);
  });

  it("warns about entries that allow every address", () => {
    expect(parseAllowlist(["0.0.0.0/0", "::/0", "10.0.0.0/8"])).toEqual({
      ok: true,
      cidrs: ["0.0.0.0/0", "::/0", "10.0.0.0/8"],
      warnings: [
        expect.stringMatching(/^0\.0\.0\.0\/0 allows every address/),
        expect.stringMatching(/^::\/0 allows every address/),
      ],
    });
    const mapped = parseAllowlist(["::ffff:0.0.0.0/96"]);
    expect(mapped.ok && mapped.warnings).toHaveLength(1);
    const narrower = parseAllowlist(["0.0.0.0/1", "128.0.0.0/1"]);
    expect(narrower.ok && narrower.warnings).toEqual([]);
  });
});

describe("isIpAllowed", () => {
  it("allows everyone when the list is empty, even an unknown address", () => {
    expect(isIpAllowed("203.0.113.9", [])).toBe(true);
    expect(isIpAllowed(null, [])).toBe(true);
    expect(isIpAllowed(undefined, [])).toBe(true);
    expect(isIpAllowed("garbage", [])).toBe(true);
  });

  it("matches single IPv4 addresses and ranges", () => {
    const list = ["192.0.2.10/32", "10.0.0.0/8"];
    expect(isIpAllowed("192.0.2.10", list)).toBe(true);
    expect(isIpAllowed("192.0.2.11", list)).toBe(false);
    expect(isIpAllowed("10.0.0.0", list)).toBe(true);
    expect(isIpAllowed("10.255.255.255", list)).toBe(true);
    expect(isIpAllowed("11.0.0.0", list)).toBe(false);
    expect(isIpAllowed("9.255.255.255", list)).toBe(false);
  });

  it("matches IPv6 addresses and ranges", () => {
    const list = ["2001:db8::/32", "::1/128"];
    expect(isIpAllowed("2001:db8::1", list)).toBe(true);
    expect(isIpAllowed("2001:DB8:ffff::1", list)).toBe(true);
    expect(isIpAllowed("2001:db9::1", list)).toBe(false);
    expect(isIpAllowed("::1", list)).toBe(true);
    expect(isIpAllowed("::2", list)).toBe(false);
  });

  it("matches IPv4-mapped client addresses against IPv4 entries", () => {
    expect(isIpAllowed("::ffff:10.1.2.3", ["10.0.0.0/8"])).toBe(true);
    expect(isIpAllowed("::ffff:a01:203", ["10.0.0.0/8"])).toBe(true);
    expect(isIpAllowed("::ffff:11.1.2.3", ["10.0.0.0/8"])).toBe(false);
    expect(isIpAllowed("::ffff:10.1.2.3", ["10.1.2.3/32"])).toBe(true);
  });

  it("keeps IPv4 and IPv6 apart", () => {
    expect(isIpAllowed("10.1.2.3", ["::/0"])).toBe(false);
    expect(isIpAllowed("2001:db8::1", ["0.0.0.0/0"])).toBe(false);
    expect(isIpAllowed("::102:304", ["1.2.3.4/32"])).toBe(false); // IPv4-compatible is not IPv4-mapped
    expect(isIpAllowed("1.2.3.4", ["0.0.0.0/0"])).toBe(true);
    expect(isIpAllowed("2001:db8::1", ["::/0"])).toBe(true);
  });

  it.each([
    null,
    undefined,
    "",
    " ",
    "garbage",
    "example.com",
    "1.2.3",
    "010.1.2.3",
    "0x0a.1.2.3",
    "10.1.2.3:443",
    "10.1.2.3/32",
    "fe80::1%eth0",
  ])("denies the unparseable client address %j when a list is set", (client) => {
    expect(isIpAllowed(client, ["0.0.0.0/0", "::/0"])).toBe(false);
  });

  it("denies a 10 KB client address", () => {
    expect(isIpAllowed("1".repeat(10_240), ["0.0.0.0/0", "::/0"])).toBe(false);
  });

  it("accepts non-canonical but valid stored entries and ignores corrupt ones", () => {
    expect(isIpAllowed("10.1.2.3", ["10.1.2.3"])).toBe(true);
    expect(isIpAllowed("10.1.2.3", ["not-an-ip", "10.0.0.1/8"])).toBe(false);
    expect(isIpAllowed("10.1.2.3", ["not-an-ip", "10.0.0.0/8"])).toBe(true);
  });

  it("gives the same answers on repeated calls (cached ranges)", () => {
    const list = ["198.51.100.0/24"];
    for (let i = 0; i < 3; i++) {
      expect(isIpAllowed("198.51.100.200", list)).toBe(true);
      expect(isIpAllowed("198.51.101.1", list)).toBe(false);
    }
  });
});

describe("normalizeIpAddress", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["garbage", null],
    ["1.2.3.4/32", null],
    ["010.0.0.1", null],
    [null, null],
    [undefined, null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(normalizeIpAddress(input)).toBe(expected);
  });
});

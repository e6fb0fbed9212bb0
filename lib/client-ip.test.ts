import { describe, expect, it } from "vitest";
import { PEER_IP_HEADER, parseTrustedProxies, resolveClientIp } from "./client-ip";

function headers(peer: string | null, extra: [string, string][] = []): Headers {
  const h = new Headers(extra);
  if (peer !== null) h.set(PEER_IP_HEADER, peer);
  return h;
}

const PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"];

describe("parseTrustedProxies", () => {
  it("returns no proxies when unset or blank", () => {
    expect(parseTrustedProxies(undefined)).toEqual([]);
    expect(parseTrustedProxies("")).toEqual([]);
    expect(parseTrustedProxies(" , ,")).toEqual([]);
  });

  it("parses comma-separated addresses and ranges into canonical CIDRs", () => {
    expect(parseTrustedProxies("10.0.0.0/8, 127.0.0.1 ,::1,::ffff:172.16.0.0/108, 10.0.0.0/8")).toEqual([
      "10.0.0.0/8",
      "127.0.0.1/32",
      "::1/128",
      "172.16.0.0/12",
    ]);
  });

  it.each(["nginx", "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/8;192.168.0.0/16", "010.0.0.1"])(
    "throws naming the bad entry %j",
    (bad) => {
      expect(() => parseTrustedProxies(`127.0.0.1, ${bad}`)).toThrow(`"${bad}"`);
      expect(() => parseTrustedProxies(`127.0.0.1, ${bad}`)).toThrow(/TRUSTED_PROXIES/);
    },
  );
});

describe("resolveClientIp without trusted proxies", () => {
  it("returns the socket peer", () => {
    expect(resolveClientIp(headers("203.0.113.7"), [])).toBe("203.0.113.7");
  });

  it("ignores a spoofed X-Forwarded-For and the other client-settable headers", () => {
    const h = headers("203.0.113.7", [
      ["x-forwarded-for", "10.1.2.3"],
      ["x-real-ip", "10.1.2.3"],
      ["cf-connecting-ip", "10.1.2.3"],
      ["true-client-ip", "10.1.2.3"],
      ["forwarded", "for=10.1.2.3"],
    ]);
    expect(resolveClientIp(h, [])).toBe("203.0.113.7");
  });

  it("unmaps an IPv4-mapped peer and canonicalises IPv6", () => {
    expect(resolveClientIp(headers("::ffff:203.0.113.7"), [])).toBe("203.0.113.7");
    expect(resolveClientIp(headers("2001:DB8:0:0:0:0:0:1"), [])).toBe("2001:db8::1");
  });

  it("returns null when the peer header is missing or not an address", () => {
    expect(resolveClientIp(headers(null, [["x-forwarded-for", "203.0.113.7"]]), [])).toBeNull();
    expect(resolveClientIp(headers(null, [["x-forwarded-for", "203.0.113.7"]]), PROXIES)).toBeNull();
    expect(resolveClientIp(headers("garbage"), [])).toBeNull();
    expect(resolveClientIp(headers(""), [])).toBeNull();
  });
});

describe("resolveClientIp with trusted proxies", () => {
  it("ignores X-Forwarded-For when the peer is not a trusted proxy", () => {
    const h = headers("198.51.100.9", [["x-forwarded-for", "10.1.2.3"]]);
    expect(resolveClientIp(h, PROXIES)).toBe("198.51.100.9");
  });

  it("returns the address the trusted proxy saw", () => {
    const h = headers("10.0.0.2", [["x-forwarded-for", "203.0.113.7"]]);
    expect(resolveClientIp(h, PROXIES)).toBe("203.0.113.7");
  });

  it("reads right to left, so a client-supplied prefix cannot win", () => {
    // The client sent "X-Forwarded-For: 1.1.1.1, 10.9.9.9"; the proxy appended the real address.
    const h = headers("10.0.0.2", [["x-forwarded-for", "1.1.1.1, 10.9.9.9, 203.0.113.7"]]);
    expect(resolveClientIp(h, PROXIES)).toBe("203.0.113.7");
  });

  it("skips every trusted hop", () => {
    const h = headers("10.0.0.2", [["x-forwarded-for", "1.1.1.1, 203.0.113.7, 10.0.0.5, 10.0.0.4"]]);
    expect(resolveClientIp(h, PROXIES)).toBe("203.0.113.7");
  });

  it("joins repeated X-Forwarded-For headers in order", () => {
    const h = headers("10.0.0.2");
    h.append("x-forwarded-for", "1.1.1.1, 203.0.113.7");
    h.append("x-forwarded-for", "10.0.0.5");
    expect(resolveClientIp(h, PROXIES)).toBe("203.0.113.7");
  });

  it("returns the leftmost hop when every hop is trusted", () => {
    const h = headers("10.0.0.2", [["x-forwarded-for", "10.0.0.7, 10.0.0.5"]]);
    expect(resolveClientIp(h, PROXIES)).toBe("10.0.0.7");
  });

  it("returns the peer when the trusted proxy sent no X-Forwarded-For", () => {
    expect(resolveClientIp(headers("10.0.0.2"), PROXIES)).toBe("10.0.0.2");
    expect(resolveClientIp(headers("10.0.0.2", [["x-forwarded-for", " "]]), PROXIES)).toBe("10.0.0.2");
  });

  it("stops at garbage and returns the last trusted hop examined", () => {
    const garbage = ["unknown", "203.0.113.7:5555", "[2001:db8::1]", "010.1.2.3", "", "_hidden"];
    for (const bad of garbage) {
      const nearPeer = headers("10.0.0.2", [["x-forwarded-for", `203.0.113.7, ${bad}`]]);
      expect(resolveClientIp(nearPeer, PROXIES), bad).toBe("10.0.0.2");
      const behindHop = headers("10.0.0.2", [["x-forwarded-for", `198.51.100.1, ${bad}, 10.0.0.5`]]);
      expect(resolveClientIp(behindHop, PROXIES), bad).toBe("10.0.0.5");
    }
  });

  it("unmaps IPv4-mapped peers and hops", () => {
    const h = headers("::ffff:10.0.0.2", [["x-forwarded-for", "::ffff:203.0.113.7, ::ffff:10.0.0.5"]]);
    expect(resolveClientIp(h, PROXIES)).toBe("203.0.113.7");
  });

  it("handles IPv6 proxies and clients", () => {
    const h = headers("2001:db8:ffff::1", [["x-forwarded-for", "2001:DB8:1::7, 2001:db8:ffff::2"]]);
    expect(resolveClientIp(h, PROXIES)).toBe("2001:db8:1::7");
  });

  it("ignores X-Real-IP and friends even from a trusted proxy", () => {
    const h = headers("10.0.0.2", [
      ["x-real-ip", "1.1.1.1"],
      ["cf-connecting-ip", "1.1.1.1"],
      ["true-client-ip", "1.1.1.1"],
    ]);
    expect(resolveClientIp(h, PROXIES)).toBe("10.0.0.2");
  });

  it("works with the output of parseTrustedProxies", () => {
    const trusted = parseTrustedProxies("127.0.0.1, ::1");
    expect(resolveClientIp(headers("::1", [["x-forwarded-for", "203.0.113.7"]]), trusted)).toBe("203.0.113.7");
    expect(resolveClientIp(headers("::ffff:127.0.0.1", [["x-forwarded-for", "203.0.113.7"]]), trusted)).toBe(
      "203.0.113.7",
    );
  });
});

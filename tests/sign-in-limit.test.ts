/**
 * The sign-in limit keys on the client address the Chat API resolves (lib/client-ip.ts): behind a
 * trusted proxy, each real client has its own bucket, so one busy address does not lock out others.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { PEER_IP_HEADER } from "@/lib/client-ip";
import { consumeSignInAttempt, perAddressLimit, SIGN_IN_LIMITS } from "@/lib/sign-in-limit";
import { openTestDb, setDbClock } from "./db";

let h: DbHandle;

beforeAll(async () => {
  delete process.env.REDIS_URL;
  h = await openTestDb();
});
afterEach(async () => {
  delete process.env.TRUSTED_PROXIES;
  delete process.env.SIGN_IN_LIMIT_PER_ADDRESS;
  await setDbClock(h, null);
});
afterAll(async () => {
  await h.close();
});

const PROXY = "10.0.0.7";

/** A sign-in attempt as the app sees it behind the proxy: the socket peer is the proxy, the client in X-Forwarded-For. */
function viaProxy(client: string): Headers {
  return new Headers({ [PEER_IP_HEADER]: PROXY, "x-forwarded-for": client });
}

/** 30 attempts (the per-address limit), each a different user, from one client; then one more from each of two clients. */
async function thirtyThenTwo(tag: string): Promise<{ first30: boolean[]; sameClient: boolean; otherClient: boolean }> {
  const first30: boolean[] = [];
  for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++)
    first30.push(
      await consumeSignInAttempt(h.db, { email: `${tag}-${i}@example.com`, headers: viaProxy("203.0.113.5") }),
    );
  const sameClient = await consumeSignInAttempt(h.db, {
    email: `${tag}-same@example.com`,
    headers: viaProxy("203.0.113.5"),
  });
  const otherClient = await consumeSignInAttempt(h.db, {
    email: `${tag}-other@example.com`,
    headers: viaProxy("198.51.100.9"),
  });
  return { first30, sameClient, otherClient };
}

describe("sign-in limit per client address", () => {
  it("with TRUSTED_PROXIES, the 31st attempt of a new user from another forwarded address is not refused", async () => {
    process.env.TRUSTED_PROXIES = `${PROXY}/32`;
    await setDbClock(h, new Date("2027-02-01T09:00:00Z"));
    const { first30, sameClient, otherClient } = await thirtyThenTwo("trusted");
    expect(first30.every(Boolean)).toBe(true);
    expect(sameClient).toBe(false); // that client's 31st attempt: its own bucket is spent
    expect(otherClient).toBe(true); // another client behind the same proxy is not
  });

  it("without TRUSTED_PROXIES the forwarded header is not believed: every attempt is the proxy's", async () => {
    await setDbClock(h, new Date("2027-02-02T09:00:00Z"));
    const { first30, sameClient, otherClient } = await thirtyThenTwo("untrusted");
    expect(first30.every(Boolean)).toBe(true);
    expect(sameClient).toBe(false);
    expect(otherClient).toBe(false);
  });

  it("SIGN_IN_LIMIT_PER_ADDRESS sets the per-address limit; the per-account limit still holds", async () => {
    process.env.SIGN_IN_LIMIT_PER_ADDRESS = "35";
    await setDbClock(h, new Date("2027-02-03T09:00:00Z"));
    const headers = new Headers({ [PEER_IP_HEADER]: "192.0.2.44" });
    const results: boolean[] = [];
    for (let i = 0; i < 36; i++)
      results.push(await consumeSignInAttempt(h.db, { email: `office-${i}@example.com`, headers }));
    expect(results.slice(0, 35).every(Boolean)).toBe(true); // past the default 30
    expect(results[35]).toBe(false); // the 36th is refused
    const sameAccount: boolean[] = [];
    const other = new Headers({ [PEER_IP_HEADER]: "192.0.2.45" });
    for (let i = 0; i <= SIGN_IN_LIMITS.perEmail; i++)
      sameAccount.push(await consumeSignInAttempt(h.db, { email: "one@example.com", headers: other }));
    expect(sameAccount.slice(0, SIGN_IN_LIMITS.perEmail).every(Boolean)).toBe(true);
    expect(sameAccount[SIGN_IN_LIMITS.perEmail]).toBe(false);
  });

  it("a missing, zero or malformed SIGN_IN_LIMIT_PER_ADDRESS keeps the default", () => {
    for (const value of [undefined, "", "0", "-3", "ten", "2.5"])
      expect(perAddressLimit({ SIGN_IN_LIMIT_PER_ADDRESS: value })).toBe(SIGN_IN_LIMITS.perIp);
    expect(perAddressLimit({ SIGN_IN_LIMIT_PER_ADDRESS: "500" })).toBe(500);
  });
});

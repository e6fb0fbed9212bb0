import { describe, expect, it } from "vitest";
import {
  conversationOwner,
  identityHash,
  mintVisitorToken,
  newVisitorId,
  REFRESH_WINDOW_SECONDS,
  TOKEN_TTL_SECONDS,
  verifyIdentity,
  verifyVisitorToken,
} from "./token";

const secret = "test-secret-0123456789";
const scope = { integrationId: "int_aaaaaaaaaaaaaaaaaaaaaa", origin: "https://www.example.com" };
const now = Date.UTC(2026, 0, 1);

describe("visitor tokens", () => {
  const visitor = newVisitorId();
  const { token } = mintVisitorToken({ i: scope.integrationId, o: scope.origin, v: visitor }, { now, secret });

  it("verify for their integration and origin while live", () => {
    const check = verifyVisitorToken(token, scope, { now: now + 1000, secret });
    expect(check).toEqual({ ok: true, claims: expect.objectContaining({ v: visitor, i: scope.integrationId }) });
  });

  it("are refused for another integration, another origin, or after expiry", () => {
    expect(
      verifyVisitorToken(token, { ...scope, integrationId: "int_bbbbbbbbbbbbbbbbbbbbbb" }, { now, secret }),
    ).toEqual({
      ok: false,
      reason: "wrong_integration",
    });
    expect(verifyVisitorToken(token, { ...scope, origin: "https://evil.example" }, { now, secret })).toEqual({
      ok: false,
      reason: "wrong_origin",
    });
    const later = now + TOKEN_TTL_SECONDS * 1000;
    expect(verifyVisitorToken(token, scope, { now: later, secret })).toEqual({ ok: false, reason: "expired" });
  });

  it("can be refreshed within the refresh window, not after it", () => {
    const later = now + TOKEN_TTL_SECONDS * 1000;
    expect(verifyVisitorToken(token, scope, { now: later, secret, allowExpired: true }).ok).toBe(true);
    const tooLate = now + (TOKEN_TTL_SECONDS + REFRESH_WINDOW_SECONDS) * 1000;
    expect(verifyVisitorToken(token, scope, { now: tooLate, secret, allowExpired: true })).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("refuse a changed payload, another secret's signature and garbage", () => {
    const [prefix, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, v: "v_someoneelse" })).toString("base64url");
    expect(verifyVisitorToken(`${prefix}.${forged}.${signature}`, scope, { now, secret }).ok).toBe(false);
    expect(verifyVisitorToken(token, scope, { now, secret: "another-secret" })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    for (const bad of ["", "wv1", "wv1..", "x.y.z", `${token}.x`, "a".repeat(5000), null])
      expect(verifyVisitorToken(bad, scope, { now, secret }).ok).toBe(false);
  });
});

describe("identity verification", () => {
  it("accepts the HMAC-SHA256 of the user id under the secret, in any case, and nothing else", () => {
    const hash = identityHash("whs_secret", "user_42");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyIdentity("whs_secret", "user_42", hash)).toBe(true);
    expect(verifyIdentity("whs_secret", "user_42", hash.toUpperCase())).toBe(true);
    expect(verifyIdentity("whs_secret", "user_43", hash)).toBe(false);
    expect(verifyIdentity("whs_other", "user_42", hash)).toBe(false);
    expect(verifyIdentity("whs_secret", "user_42", hash.slice(1))).toBe(false);
    expect(verifyIdentity("whs_secret", "user_42", "")).toBe(false);
  });

  it("stores verified users and anonymous visitors under different owners", () => {
    expect(conversationOwner({ v: "v_1", u: "42" })).toBe("user:42");
    expect(conversationOwner({ v: "v_1" })).toBe("visitor:v_1");
  });
});

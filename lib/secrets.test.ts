import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, ensureAuthSecret } from "./secrets";

const saved = process.env.AUTH_SECRET;
afterEach(() => {
  if (saved === undefined) delete process.env.AUTH_SECRET;
  else process.env.AUTH_SECRET = saved;
});

describe("ensureAuthSecret", () => {
  it("refuses to start in production on PostgreSQL without AUTH_SECRET, and says why", () => {
    delete process.env.AUTH_SECRET;
    expect(() => ensureAuthSecret({ production: true, embedded: false, dataDir: os.tmpdir() })).toThrow(ConfigError);
    expect(() => ensureAuthSecret({ production: true, embedded: false, dataDir: os.tmpdir() })).toThrow(
      /AUTH_SECRET is not set/,
    );
  });

  it("generates a secret once under the data directory and reuses it", () => {
    delete process.env.AUTH_SECRET;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-secret-"));
    expect(ensureAuthSecret({ production: false, embedded: true, dataDir: dir })).toBe("generated");
    const first = process.env.AUTH_SECRET;
    expect(first).toMatch(/^[\w-]{40,}$/);
    expect((fs.statSync(path.join(dir, "auth-secret")).mode & 0o777).toString(8)).toBe("600");
    delete process.env.AUTH_SECRET;
    expect(ensureAuthSecret({ production: true, embedded: true, dataDir: dir })).toBe("file");
    expect(process.env.AUTH_SECRET).toBe(first);
  });

  it("keeps a configured secret", () => {
    process.env.AUTH_SECRET = "configured";
    expect(ensureAuthSecret({ production: true, embedded: false })).toBe("env");
    expect(process.env.AUTH_SECRET).toBe("configured");
  });
});

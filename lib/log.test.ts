import { afterEach, describe, expect, it } from "vitest";
import { setEnv } from "@/tests/fixtures/env";
import { errorFields, safeForConsole, scrub } from "./log";

let restore = () => {};
afterEach(() => restore());

describe("log hygiene", () => {
  it("masks anything shaped like an API key, and the secret settings' values", () => {
    restore = setEnv({
      DATABASE_URL: "postgres://parley:s3cret-pass@db:5432/parley",
      LLM_API_KEY: "sk-proj-abcdefghijklmnop",
    });
    const line = scrub(
      `key sk-parley_${"a".repeat(38)} other sk-acme_${"B".repeat(38)} pw s3cret-pass model sk-proj-abcdefghijklmnop`,
    );
    expect(line).toBe("key sk-parley_[redacted] other sk-acme_[redacted] pw [redacted] model [redacted]");
    expect(scrub("sk-parley_short stays")).toBe("sk-parley_short stays");
  });

  it("describes a failed statement by its driver's error, never by its parameters", () => {
    const cause = Object.assign(new Error('relation "x" does not exist'), { code: "42P01" });
    const failed = Object.assign(new Error("Failed query: insert into x values ($1)\nparams: my secret message"), {
      query: "insert into x values ($1)",
      params: ["my secret message"],
      cause,
    });
    expect(errorFields(failed)).toEqual({ error: 'relation "x" does not exist', error_code: "42P01" });
    const printed = safeForConsole(failed) as Error;
    expect(`${printed.message}\n${printed.stack}`).not.toContain("my secret message");
    expect(errorFields(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toEqual({
      error: "connect ECONNREFUSED",
      error_code: "ECONNREFUSED",
    });
  });
});

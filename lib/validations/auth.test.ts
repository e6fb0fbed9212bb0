import { describe, expect, it } from "vitest";
import { newPasswordSchema, signUpSchema } from "@/lib/validations/auth";

describe("newPasswordSchema", () => {
  it("says one thing about an empty or short password", () => {
    for (const p of ["", "aaa"]) {
      const r = newPasswordSchema.safeParse(p);
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => i.message)).toEqual(["Use at least 10 characters."]);
    }
  });
});

describe("signUpSchema", () => {
  const person = { name: "Jane Doe", email: "jane.doe@acme.example", workspace: "Acme" };

  it("still refuses a long but easy password, in one message on the password field", () => {
    const r = signUpSchema.safeParse({ ...person, password: "aaaaaaaaaaaa" });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toHaveLength(1);
    expect(r.error!.issues[0]!.path).toEqual(["password"]);
    expect(r.error!.issues[0]!.message).toMatch(/^That password is too common or too easy to guess/);
  });

  it("counts the person's own details as guessable", () => {
    // Strong enough for a stranger, not for Jane of Acme.
    expect(signUpSchema.safeParse({ ...person, password: "JaneDoe!Acme" }).success).toBe(false);
    expect(
      signUpSchema.safeParse({ name: "Sam Roe", email: "sam@roe.example", password: "JaneDoe!Acme" }).success,
    ).toBe(true);
  });

  it("accepts a long, unguessable password", () => {
    const r = signUpSchema.safeParse({ ...person, password: "violet-tractor-harbour-93" });
    expect(r.success).toBe(true);
  });
});

import { z } from "zod";
import { passwordStrength } from "@/lib/password-strength";

export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@company.com." }));

/** Length only; {@link checkPasswordStrength} judges guessability (NIST SP 800-63B: no character-class rules). */
export const newPasswordSchema = z
  .string({ error: "Choose a password." })
  .min(10, { error: "Use at least 10 characters.", abort: true }) // one message for an empty or short one, not three
  .max(200, "Use at most 200 characters.");

/**
 * Refuses a guessable password (zxcvbn-ts: common passwords, names, words, keyboard walks, dates,
 * l33t), counting the person's own details as guessable, with zxcvbn's advice in the message.
 */
function checkPasswordStrength(
  password: string,
  userInputs: (string | undefined)[],
  ctx: z.RefinementCtx,
  path: string,
) {
  const strength = passwordStrength(
    password,
    userInputs.filter((s): s is string => !!s),
  );
  if (!strength.ok) ctx.addIssue({ code: "custom", path: [path], message: strength.problem! });
}

export const signUpSchema = z
  .object({
    name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
    email: emailSchema,
    password: newPasswordSchema,
    workspace: z.string().trim().max(100, "Use at most 100 characters.").optional(),
  })
  .superRefine((v, ctx) => checkPasswordStrength(v.password, [v.email, v.name, v.workspace], ctx, "password"));

/** Changing one's password: the current one, and a new one held to the sign-up rules. */
export function changePasswordSchema(user: { email: string; name: string }) {
  return z
    .object({
      current: z.string().min(1, "Enter your current password.").max(200, "That is not your current password."),
      password: newPasswordSchema,
    })
    .superRefine((v, ctx) => {
      if (v.password === v.current)
        ctx.addIssue({ code: "custom", path: ["password"], message: "Choose a password other than your current one." });
      else checkPasswordStrength(v.password, [user.email, user.name], ctx, "password");
    });
}

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(200, "Wrong email or password."),
});

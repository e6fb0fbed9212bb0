import { z } from "zod";

const COMMON_PASSWORDS = new Set([
  "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop", "qwerty123",
  "iloveyou", "letmein1", "welcome1", "admin123", "abc12345", "11111111", "00000000", "passw0rd", "baseball",
  "football", "sunshine", "princess", "changeme", "parley123",
]);

export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@company.com." }));

/** Strength rules are about guessability, not character classes (NIST SP 800-63B). */
export const newPasswordSchema = z
  .string({ error: "Choose a password." })
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.")
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), "That password is too common; choose another.")
  .refine((p) => new Set(p).size >= 4, "That password is too easy to guess; mix in more different characters.");

export const signUpSchema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
  email: emailSchema,
  password: newPasswordSchema,
  workspace: z.string().trim().max(100, "Use at most 100 characters.").optional(),
});

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(200, "Wrong email or password."),
});

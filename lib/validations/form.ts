import type { z } from "zod";

/**
 * What every server action returns: "saved" (with a message, and data such as a key shown once),
 * "error" (a message, field errors and the values typed, so nothing the user entered is lost), or
 * "idle" before a form is first sent.
 */
export type ActionResult<Data extends object = object> = {
  status: "idle" | "error" | "saved";
  message?: string;
  /** Why it failed, for code to act on ("forbidden" when the role may not). */
  code?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  values?: Record<string, string>;
} & Data;

/** The state of a form's action (useActionState): an ActionResult without data. */
export type FormState = ActionResult;

export const idleForm: FormState = { status: "idle" };

/** The typed values of a form, secrets left out. */
export function formValues(form: FormData, omit: string[] = ["password"]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries())
    if (typeof v === "string" && !omit.includes(k) && !k.startsWith("$")) values[k] = v;
  return values;
}

/** An ActionResult for a failed zod parse. */
export function invalid(
  error: z.ZodError,
  form: FormData,
  message = "Please correct the highlighted fields.",
): FormState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { status: "error", message, fieldErrors, values: formValues(form) };
}

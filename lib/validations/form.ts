import type { z } from "zod";

/** What a form action returns: field errors and the values typed, so nothing the user entered is lost. */
export type FormState = {
  status: "idle" | "error" | "saved";
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  values?: Record<string, string>;
};

export const idleForm: FormState = { status: "idle" };

/** The typed values of a form, secrets left out. */
export function formValues(form: FormData, omit: string[] = ["password"]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && !omit.includes(k) && !k.startsWith("$")) values[k] = v;
  return values;
}

/** A FormState for a failed zod parse. */
export function invalid(error: z.ZodError, form: FormData, message = "Please correct the highlighted fields."): FormState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { status: "error", message, fieldErrors, values: formValues(form) };
}

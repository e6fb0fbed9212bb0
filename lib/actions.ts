import type { z } from "zod";
import type { Permission } from "@/lib/permissions";
import { requireUser, requireWorkspace, type WorkspaceContext } from "@/lib/session";
import { formValues, invalid, type ActionResult } from "@/lib/validations/form";

/**
 * The one way a server action starts (saas-starter's validatedActionWithUser): authenticate (signed
 * in, and a member of the current workspace, read from the database), authorize (the role's
 * permission, via can()), validate (zod), and only then run the mutation. Every action returns an
 * ActionResult; a refusal changes nothing.
 */

type Gate = {
  /** What the caller's role must allow. */
  permission: Permission;
  /** The refusal shown to a role without it. */
  forbidden: string;
};

type Validation<S extends z.ZodType> = {
  schema: S;
  /** The form's fields as the schema expects them (form.get / form.getAll). */
  fields: (form: FormData) => unknown;
};

/** An action on the current workspace; `run` gets the workspace context and the caller's arguments. */
export function workspaceAction<Args extends unknown[], R extends ActionResult>(
  gate: Gate,
  run: (ctx: WorkspaceContext, ...args: Args) => Promise<R>,
): (...args: Args) => Promise<R> {
  return async (...args) => {
    const ctx = await requireWorkspace();
    if (!ctx.can(gate.permission)) return { status: "error", code: "forbidden", message: gate.forbidden } as R;
    return run(ctx, ...args);
  };
}

/**
 * A form action on the current workspace (useActionState): arguments bound with .bind() come first,
 * then the previous state and the form. A refusal or invalid fields come back with what was typed.
 */
export function validatedWorkspaceAction<Bound extends unknown[], S extends z.ZodType, R extends ActionResult>(
  gate: Gate & Validation<S>,
  run: (ctx: WorkspaceContext, data: z.infer<S>, form: FormData, ...bound: Bound) => Promise<R>,
): (...args: [...Bound, prev: R, form: FormData]) => Promise<R> {
  return async (...args) => {
    const form = args[args.length - 1] as FormData;
    const bound = args.slice(0, -2) as Bound;
    const ctx = await requireWorkspace();
    if (!ctx.can(gate.permission))
      return { status: "error", code: "forbidden", message: gate.forbidden, values: formValues(form) } as R;
    const parsed = gate.schema.safeParse(gate.fields(form));
    if (!parsed.success) return invalid(parsed.error, form) as R;
    return run(ctx, parsed.data, form, ...bound);
  };
}

/** A form action of the signed-in user, outside any workspace (creating one, for instance). */
export function validatedUserAction<S extends z.ZodType, R extends ActionResult>(
  validation: Validation<S>,
  run: (user: Awaited<ReturnType<typeof requireUser>>, data: z.infer<S>, form: FormData) => Promise<R>,
): (prev: R, form: FormData) => Promise<R> {
  return async (_prev, form) => {
    const user = await requireUser();
    const parsed = validation.schema.safeParse(validation.fields(form));
    if (!parsed.success) return invalid(parsed.error, form) as R;
    return run(user, parsed.data, form);
  };
}

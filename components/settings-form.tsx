"use client";

import { useActionState, useEffect } from "react";
import { Loader2Icon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { idleForm, type FormState } from "@/lib/validations/form";

type SettingsAction = (state: FormState, form: FormData) => Promise<FormState>;

/**
 * A settings form's state: the action's result, its field errors, and what was typed (after a save or a
 * refused save, show what was submitted; before any, the stored settings). A save says so in a toast.
 */
export function useSettingsForm(action: SettingsAction) {
  const [state, formAction, pending] = useActionState(action, idleForm);
  useEffect(() => {
    if (state.status === "saved") toast.success(state.message ?? "Saved.");
  }, [state]);
  return { state, formAction, pending, errors: state.fieldErrors ?? {}, typed: state.values };
}

/**
 * The frame of a settings form: the form-level message, a note for members who may only look, the
 * fields, and the save button (for those who may change them).
 */
export function SettingsForm({
  form,
  canManage,
  submitLabel,
  className = "grid gap-6",
  children,
}: {
  form: ReturnType<typeof useSettingsForm>;
  canManage: boolean;
  submitLabel: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <form action={form.formAction} className={className} noValidate>
      <FormMessage state={form.state.status === "error" ? form.state : idleForm} />
      {!canManage && (
        <p className="text-muted-foreground bg-muted rounded-md px-3 py-2 text-sm">
          You can view these settings; only owners and admins can change them.
        </p>
      )}
      {children}
      {canManage && (
        <div>
          <Button type="submit" disabled={form.pending}>
            {form.pending && <Loader2Icon className="animate-spin" />} {submitLabel}
          </Button>
        </div>
      )}
    </form>
  );
}

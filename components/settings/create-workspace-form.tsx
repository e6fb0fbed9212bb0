"use client";

import { useActionState } from "react";
import { Loader2Icon } from "lucide-react";
import { createWorkspaceAction } from "@/app/(dashboard)/settings/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { idleForm } from "@/lib/validations/form";

/** Name a new workspace; its creator becomes the owner and switches to it. */
export function CreateWorkspaceForm({ autoFocus = false }: { autoFocus?: boolean }) {
  const [state, action, pending] = useActionState(createWorkspaceAction, idleForm);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="grid gap-4" noValidate>
      <FormMessage state={state.status === "error" && !state.fieldErrors ? state : idleForm} />
      <FormField
        id="new-workspace-name"
        label="Workspace name"
        hint="Usually your company or team."
        errors={errors.name}
      >
        <Input
          id="new-workspace-name"
          name="name"
          maxLength={100}
          autoComplete="organization"
          defaultValue={state.values?.name}
          aria-invalid={!!errors.name}
          autoFocus={autoFocus}
          required
        />
      </FormField>
      <Button type="submit" disabled={pending}>
        {pending && <Loader2Icon className="animate-spin" />} Create workspace
      </Button>
    </form>
  );
}

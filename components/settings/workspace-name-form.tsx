"use client";

import { useActionState } from "react";
import { Loader2Icon } from "lucide-react";
import { renameWorkspaceAction } from "@/app/(dashboard)/settings/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { idleForm } from "@/lib/validations/form";

export function WorkspaceNameForm({ name }: { name: string }) {
  const [state, action, pending] = useActionState(renameWorkspaceAction, idleForm);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="grid gap-3" noValidate>
      <FormField id="workspace-name" label="Name" errors={errors.name}>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Input
            id="workspace-name"
            name="name"
            maxLength={100}
            defaultValue={state.values?.name ?? name}
            aria-invalid={!!errors.name}
            autoComplete="organization"
            required
          />
          <Button type="submit" variant="outline" disabled={pending}>
            {pending && <Loader2Icon className="animate-spin" />} Save
          </Button>
        </div>
      </FormField>
      <FormMessage state={state.fieldErrors ? idleForm : state} />
    </form>
  );
}

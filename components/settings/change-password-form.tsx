"use client";

import { useActionState } from "react";
import { Loader2Icon } from "lucide-react";
import { changePasswordAction } from "@/app/(auth)/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { idleForm } from "@/lib/validations/form";

/** Current and new password; changing it signs the account out everywhere else. */
export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, idleForm);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="grid gap-3" noValidate key={state.status === "saved" ? state.message : undefined}>
      <FormField id="current-password" label="Current password" errors={errors.current}>
        <Input
          id="current-password"
          name="current"
          type="password"
          autoComplete="current-password"
          aria-invalid={!!errors.current}
          required
        />
      </FormField>
      <FormField
        id="new-password"
        label="New password"
        hint="At least 10 characters and hard to guess: a few unrelated words work well."
        errors={errors.password}
      >
        <Input
          id="new-password"
          name="password"
          type="password"
          autoComplete="new-password"
          maxLength={200}
          aria-invalid={!!errors.password}
          required
        />
      </FormField>
      <div>
        <Button type="submit" variant="outline" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />} Change password
        </Button>
      </div>
      <FormMessage state={state.fieldErrors ? idleForm : state} />
    </form>
  );
}

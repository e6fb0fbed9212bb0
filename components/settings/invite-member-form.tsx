"use client";

import { useActionState, useEffect, useRef } from "react";
import { Loader2Icon, SendIcon } from "lucide-react";
import { inviteMemberAction, type InviteState } from "@/app/(dashboard)/settings/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { InviteLink } from "@/components/settings/invite-link";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { ASSIGNABLE_ROLES, ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/permissions";

export function InviteMemberForm({ emailConfigured }: { emailConfigured: boolean }) {
  const [state, action, pending] = useActionState<InviteState, FormData>(inviteMemberAction, { status: "idle" });
  const formRef = useRef<HTMLFormElement>(null);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  useEffect(() => {
    if (state.status === "saved") formRef.current?.reset();
  }, [state]);
  return (
    <div className="grid min-w-0 gap-4 [&>*]:min-w-0">
      <form
        ref={formRef}
        action={action}
        className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_11rem_auto] sm:items-start"
        noValidate
      >
        <FormField id="invite-email" label="Email address" errors={e.email}>
          <Input
            id="invite-email"
            name="email"
            type="email"
            autoComplete="off"
            placeholder="teammate@company.com"
            defaultValue={state.status === "error" ? v.email : undefined}
            aria-invalid={!!e.email}
            required
          />
        </FormField>
        <FormField id="invite-role" label="Role" errors={e.role}>
          <NativeSelect
            id="invite-role"
            name="role"
            defaultValue={state.status === "error" ? (v.role ?? "member") : "member"}
            aria-invalid={!!e.role}
          >
            {ASSIGNABLE_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </NativeSelect>
        </FormField>
        <Button type="submit" className="sm:mt-[1.375rem]" disabled={pending}>
          {pending ? <Loader2Icon className="animate-spin" /> : <SendIcon />}{" "}
          {emailConfigured ? "Send invite" : "Create invite link"}
        </Button>
      </form>
      <ul className="text-muted-foreground grid gap-1 text-xs">
        {ASSIGNABLE_ROLES.map((r) => (
          <li key={r}>
            <span className="text-foreground font-medium">{ROLE_LABELS[r]}:</span> {ROLE_DESCRIPTIONS[r]}
          </li>
        ))}
      </ul>
      {state.status === "error" && !state.fieldErrors && <FormMessage state={state} />}
      {state.status === "saved" && <FormMessage state={state} />}
      {state.status === "saved" && state.inviteUrl && <InviteLink url={state.inviteUrl} email={state.email} />}
    </div>
  );
}

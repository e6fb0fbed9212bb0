"use client";

import { useActionState, useTransition } from "react";
import { KeyRoundIcon, Loader2Icon, PowerIcon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import {
  identitySecretAction,
  setWidgetDisabledAction,
  type IdentitySecretState,
} from "@/app/(dashboard)/integrations/actions";
import { CopyButton } from "@/components/copy-button";
import { FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";

/** Disable (the widget says chat is unavailable, nothing is lost) or enable the widget again. */
export function DisableWidgetButton({ integrationId, disabled }: { integrationId: string; disabled: boolean }) {
  const [pending, start] = useTransition();
  return (
    <Button
      type="button"
      variant={disabled ? "default" : "outline"}
      disabled={pending}
      onClick={() =>
        start(async () => {
          const r = await setWidgetDisabledAction(integrationId, !disabled);
          if (r.status === "error") toast.error(r.message ?? "Could not change the widget.");
          else toast.success(r.message ?? "Saved.");
        })
      }
    >
      {pending ? <Loader2Icon className="animate-spin" /> : <PowerIcon />}{" "}
      {disabled ? "Enable widget" : "Disable widget"}
    </Button>
  );
}

/** Identity verification: a new secret is shown here once; turning it off forgets it. */
export function IdentityVerification({ integrationId, enabled }: { integrationId: string; enabled: boolean }) {
  const [state, roll, rolling] = useActionState<IdentitySecretState>(
    identitySecretAction.bind(null, integrationId, false),
    { status: "idle" },
  );
  const [offState, turnOff, turningOff] = useActionState<IdentitySecretState>(
    identitySecretAction.bind(null, integrationId, true),
    { status: "idle" },
  );
  return (
    <div className="grid gap-4">
      <FormMessage state={state.status === "error" ? state : offState} />
      {state.secret && (
        <div className="bg-warning/10 grid gap-2 rounded-lg border p-3" data-testid="identity-secret">
          <p className="text-sm font-medium">Copy this secret now: Parley will not show it again.</p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="bg-background rounded border px-2 py-1 font-mono text-xs break-all">{state.secret}</code>
            <CopyButton value={state.secret} label="Copy secret" />
          </div>
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <form action={roll}>
          <Button type="submit" variant="outline" disabled={rolling}>
            {rolling ? <Loader2Icon className="animate-spin" /> : <KeyRoundIcon />}{" "}
            {enabled ? "Generate a new secret" : "Turn on identity verification"}
          </Button>
        </form>
        {enabled && (
          <form action={turnOff}>
            <Button type="submit" variant="ghost" disabled={turningOff}>
              Turn off
            </Button>
          </form>
        )}
      </div>
    </div>
  );
}

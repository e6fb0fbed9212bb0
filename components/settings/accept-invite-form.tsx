"use client";

import { useActionState } from "react";
import { Loader2Icon } from "lucide-react";
import { acceptInviteAction } from "@/app/(auth)/invite/actions";
import { FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { idleForm } from "@/lib/validations/form";

export function AcceptInviteForm({ token, workspaceName }: { token: string; workspaceName: string }) {
  const [state, action, pending] = useActionState(acceptInviteAction.bind(null, token), idleForm);
  return (
    <form action={action} className="grid w-full gap-3">
      <FormMessage state={state} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending && <Loader2Icon className="animate-spin" />} Join {workspaceName}
      </Button>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { Loader2Icon, LogOutIcon } from "lucide-react";
import { leaveWorkspaceAction } from "@/app/(dashboard)/settings/actions";
import { FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/lazy/dialog";
import { idleForm } from "@/lib/validations/form";

export function LeaveWorkspaceDialog({ workspaceName }: { workspaceName: string }) {
  const [state, action, pending] = useActionState(leaveWorkspaceAction, idleForm);
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button
          variant="outline"
          className="border-destructive/40 text-destructive hover:bg-destructive/10 hover:text-destructive"
        >
          <LogOutIcon /> Leave workspace
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form action={action} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Leave {workspaceName}?</DialogTitle>
            <DialogDescription>You lose access to its bots, integrations and conversations at once.</DialogDescription>
          </DialogHeader>
          <FormMessage state={state} />
          <DialogFooter>
            <Button type="submit" variant="destructive" disabled={pending}>
              {pending && <Loader2Icon className="animate-spin" />} Leave workspace
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

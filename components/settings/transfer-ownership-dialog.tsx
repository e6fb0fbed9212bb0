"use client";

import { useActionState, useState } from "react";
import { CrownIcon, Loader2Icon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { transferOwnershipAction } from "@/app/(dashboard)/settings/actions";
import { FormField, FormMessage } from "@/components/form-field";
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
import { NativeSelect } from "@/components/ui/native-select";
import { idleForm, type FormState } from "@/lib/validations/form";

export function TransferOwnershipDialog({
  candidates,
  workspaceName,
}: {
  candidates: { userId: string; label: string }[];
  workspaceName: string;
}) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(async (prev: FormState, form: FormData) => {
    const result = await transferOwnershipAction(prev, form);
    if (result.status === "saved") {
      toast.success(result.message ?? "Ownership transferred.");
      setOpen(false);
    }
    return result;
  }, idleForm);
  if (candidates.length === 0) {
    return (
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <Button variant="outline" disabled>
          <CrownIcon /> Transfer ownership
        </Button>
        <p className="text-muted-foreground text-sm">Invite someone first: ownership can only go to a member.</p>
      </div>
    );
  }
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline">
          <CrownIcon /> Transfer ownership
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form action={action} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Transfer ownership of {workspaceName}</DialogTitle>
            <DialogDescription>
              The new owner can change the plan and transfer ownership again. You become an admin. A workspace always
              has exactly one owner.
            </DialogDescription>
          </DialogHeader>
          <FormMessage state={state.status === "error" ? state : idleForm} />
          <FormField id="transfer-to" label="New owner">
            <NativeSelect id="transfer-to" name="userId" defaultValue={candidates[0]?.userId}>
              {candidates.map((c) => (
                <option key={c.userId} value={c.userId}>
                  {c.label}
                </option>
              ))}
            </NativeSelect>
          </FormField>
          <DialogFooter>
            <Button type="submit" variant="destructive" disabled={pending}>
              {pending && <Loader2Icon className="animate-spin" />} Transfer ownership
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

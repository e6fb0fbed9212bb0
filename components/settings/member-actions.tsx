"use client";

import { useActionState, useState, useTransition } from "react";
import { Loader2Icon, RefreshCwIcon, UserMinusIcon, XIcon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import {
  changeMemberRoleAction,
  removeMemberAction,
  renewInviteAction,
  revokeInviteAction,
  type InviteState,
} from "@/app/(dashboard)/settings/actions";
import { FormMessage } from "@/components/form-field";
import { InviteLink } from "@/components/settings/invite-link";
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
import { ASSIGNABLE_ROLES, ROLE_LABELS } from "@/lib/permissions";
import type { Role } from "@/db/schema";
import type { ActionResult } from "@/lib/validations/form";

function report(result: ActionResult) {
  if (result.status === "saved") toast.success(result.message);
  else toast.error(result.message);
}

/** A member's role, changed on the spot (the owner's role only changes by transferring ownership). */
export function RoleSelect({ userId, name, role }: { userId: string; name: string; role: Exclude<Role, "owner"> }) {
  const [pending, start] = useTransition();
  const [value, setValue] = useState(role);
  return (
    <div className="flex items-center gap-2">
      <NativeSelect
        aria-label={`Role of ${name}`}
        value={value}
        disabled={pending}
        className="h-8 min-w-28"
        onChange={(e) => {
          const next = e.target.value as typeof role;
          const previous = value;
          setValue(next);
          start(async () => {
            const result = await changeMemberRoleAction(userId, next);
            if (result.status !== "saved") setValue(previous);
            report(result);
          });
        }}
      >
        {ASSIGNABLE_ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </NativeSelect>
      {pending && <Loader2Icon className="text-muted-foreground size-4 animate-spin" />}
    </div>
  );
}

export function RemoveMemberButton({ userId, name, email }: { userId: string; name: string; email: string }) {
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button
          variant="ghost"
          size="sm"
          className="text-destructive hover:bg-destructive/10 hover:text-destructive"
          aria-label={`Remove ${name}`}
        >
          <UserMinusIcon /> <span className="hidden sm:inline">Remove</span>
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Remove {name}?</DialogTitle>
          <DialogDescription>
            {email} loses access to this workspace at once, including any page they have open. Their past replies and
            audit entries stay.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button
            variant="destructive"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const result = await removeMemberAction(userId);
                report(result);
                if (result.status === "saved") setOpen(false);
              })
            }
          >
            {pending && <Loader2Icon className="animate-spin" />} Remove member
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export function RevokeInviteButton({ inviteId, email }: { inviteId: string; email: string }) {
  const [pending, start] = useTransition();
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={pending}
      aria-label={`Revoke the invitation for ${email}`}
      onClick={() => start(async () => report(await revokeInviteAction(inviteId)))}
    >
      {pending ? <Loader2Icon className="animate-spin" /> : <XIcon />} <span className="hidden sm:inline">Revoke</span>
    </Button>
  );
}

/** A fresh link for a pending invite (the previous link stops working), or a new email when SMTP is set up. */
export function RenewInviteButton({
  inviteId,
  email,
  emailConfigured,
}: {
  inviteId: string;
  email: string;
  emailConfigured: boolean;
}) {
  const [state, action, pending] = useActionState<InviteState>(renewInviteAction.bind(null, inviteId), {
    status: "idle",
  });
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`New link for ${email}`}>
          <RefreshCwIcon /> <span className="hidden sm:inline">{emailConfigured ? "Resend" : "New link"}</span>
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>
            {emailConfigured ? `Resend the invitation to ${email}?` : `A new invite link for ${email}`}
          </DialogTitle>
          <DialogDescription>
            The previous link stops working, and the invitation is good for another 7 days from now.
          </DialogDescription>
        </DialogHeader>
        {state.status !== "idle" && <FormMessage state={state} />}
        {state.inviteUrl ? (
          <InviteLink url={state.inviteUrl} email={email} />
        ) : (
          <form action={action}>
            <DialogFooter>
              <Button type="submit" disabled={pending || state.status === "saved"}>
                {pending && <Loader2Icon className="animate-spin" />}{" "}
                {emailConfigured ? "Resend invitation" : "Make a new link"}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

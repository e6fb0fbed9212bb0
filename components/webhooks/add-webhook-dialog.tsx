"use client";

import { useState } from "react";
import { PlusIcon } from "lucide-react";
import { createWebhookAction } from "@/app/(dashboard)/settings/webhooks/actions";
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
import { SecretDisplay } from "@/components/webhooks/secret-display";
import { WebhookForm } from "@/components/webhooks/webhook-form";

/** "Add webhook": URL and events; then the signing secret, to copy into the receiver. */
export function AddWebhookDialog({ disabled }: { disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setFormKey((k) => k + 1);
      }}
    >
      <DialogTrigger asChild>
        <Button disabled={disabled}>
          <PlusIcon /> Add webhook
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[calc(100svh-2rem)] overflow-y-auto sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>Add a webhook</DialogTitle>
          <DialogDescription>
            Parley sends the events you choose to your endpoint, signed with a secret only you and Parley know.
          </DialogDescription>
        </DialogHeader>
        <WebhookForm
          key={formKey}
          action={createWebhookAction}
          initial={{ url: "", events: ["lead.created", "handoff.requested", "message.created"] }}
          submitLabel="Add webhook"
          onSaved={(state) =>
            state.secret ? (
              <div className="grid min-w-0 gap-4" data-testid="webhook-created">
                <div className="grid gap-2">
                  <p className="text-sm font-medium">Signing secret</p>
                  <SecretDisplay secret={state.secret} />
                  <p className="text-muted-foreground text-xs">
                    Verify the <code className="font-mono">Parley-Signature</code> header of every request with it. You
                    can see it again or rotate it from this page.
                  </p>
                </div>
                <DialogFooter>
                  <Button onClick={() => setOpen(false)}>Done</Button>
                </DialogFooter>
              </div>
            ) : null
          }
        />
      </DialogContent>
    </Dialog>
  );
}

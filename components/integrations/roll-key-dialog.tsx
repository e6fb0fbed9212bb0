"use client";

import { useActionState, useState } from "react";
import { Loader2Icon, RefreshCwIcon } from "lucide-react";
import { rollKeyAction, type KeyRevealState } from "@/app/(dashboard)/integrations/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { KeyReveal } from "@/components/integrations/setup-panel";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { NativeSelect } from "@/components/ui/native-select";

const GRACE_OPTIONS = [
  { value: "none", label: "Stop working now" },
  { value: "1h", label: "Keep working for 1 hour" },
  { value: "24h", label: "Keep working for 24 hours" },
  { value: "7d", label: "Keep working for 7 days" },
];

/** Roll key: same endpoint, a new key shown once; the current key lives on for the chosen grace period. */
export function RollKeyDialog({ integrationId }: { integrationId: string }) {
  const [open, setOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setFormKey((k) => k + 1); // closing forgets the revealed key
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <RefreshCwIcon /> Roll key
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl">
        <RollKeyForm key={formKey} integrationId={integrationId} onDone={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

function RollKeyForm({ integrationId, onDone }: { integrationId: string; onDone: () => void }) {
  const [state, action, pending] = useActionState<KeyRevealState, FormData>(rollKeyAction.bind(null, integrationId), { status: "idle" });
  if (state.status === "saved" && state.apiKey) {
    return (
      <>
        <DialogHeader>
          <DialogTitle>New key created</DialogTitle>
          <DialogDescription>Update your backend with the new key. The endpoint stays the same.</DialogDescription>
        </DialogHeader>
        <KeyReveal apiKey={state.apiKey} title="Your new API key" />
        <DialogFooter>
          <Button onClick={onDone}>I have copied the key</Button>
        </DialogFooter>
      </>
    );
  }
  return (
    <form action={action} className="grid gap-4">
      <DialogHeader>
        <DialogTitle>Roll the API key</DialogTitle>
        <DialogDescription>
          Parley creates a new key for this integration. The endpoint does not change. Give your backend time to switch by keeping the
          current key working for a while. At most two keys work at once: an older key still in its grace period stops now.
        </DialogDescription>
      </DialogHeader>
      <FormMessage state={state} />
      <FormField id="grace" label="The current key" errors={state.fieldErrors?.grace}>
        <NativeSelect id="grace" name="grace" defaultValue="24h">
          {GRACE_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </NativeSelect>
      </FormField>
      <DialogFooter>
        <Button type="submit" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />} Roll key
        </Button>
      </DialogFooter>
    </form>
  );
}

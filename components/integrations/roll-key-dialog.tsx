"use client";

import { useActionState, useCallback, useEffect, useState } from "react";
import { Loader2Icon, RefreshCwIcon } from "lucide-react";
import { rollKeyAction, type KeyRevealState } from "@/app/(dashboard)/integrations/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { KeyReveal } from "@/components/integrations/setup-panel";
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

const GRACE_OPTIONS = [
  { value: "none", label: "Stop working now" },
  { value: "1h", label: "Keep working for 1 hour" },
  { value: "24h", label: "Keep working for 24 hours" },
  { value: "7d", label: "Keep working for 7 days" },
];

/**
 * Roll key: same endpoint, a new key shown once; the current key lives on for the chosen grace period.
 * Closing the dialog (Esc, a click outside, ×) while a new key is shown that was never copied asks first.
 */
export function RollKeyDialog({ integrationId }: { integrationId: string }) {
  const [open, setOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [uncopied, setUncopied] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const shown = useCallback(() => setUncopied(true), []);
  function close() {
    setOpen(false);
    setUncopied(false);
    setConfirming(false);
    setFormKey((k) => k + 1); // closing forgets the revealed key
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) setOpen(true);
        else if (uncopied) setConfirming(true);
        else close();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <RefreshCwIcon /> Roll key
        </Button>
      </DialogTrigger>
      {/* grid items shrink to the dialog (the key and the long words of the warning wrap or scroll inside it) */}
      <DialogContent className="sm:max-w-xl [&>*]:min-w-0">
        <RollKeyForm
          key={formKey}
          integrationId={integrationId}
          onShown={shown}
          onCopied={() => {
            setUncopied(false);
            setConfirming(false);
          }}
          confirming={confirming}
          onKeepOpen={() => setConfirming(false)}
          onDone={close}
        />
      </DialogContent>
    </Dialog>
  );
}

function RollKeyForm({
  integrationId,
  onShown,
  onCopied,
  confirming,
  onKeepOpen,
  onDone,
}: {
  integrationId: string;
  onShown: () => void;
  onCopied: () => void;
  confirming: boolean;
  onKeepOpen: () => void;
  onDone: () => void;
}) {
  const [state, action, pending] = useActionState<KeyRevealState, FormData>(rollKeyAction.bind(null, integrationId), {
    status: "idle",
  });
  const apiKey = state.status === "saved" ? state.apiKey : undefined;
  useEffect(() => {
    if (apiKey) onShown();
  }, [apiKey, onShown]);
  if (apiKey) {
    return (
      <>
        <DialogHeader className="pr-6">
          <DialogTitle>New key created</DialogTitle>
          <DialogDescription>Update your backend with the new key. The endpoint stays the same.</DialogDescription>
        </DialogHeader>
        <KeyReveal apiKey={apiKey} title="Your new API key" onCopied={onCopied} />
        {confirming ? (
          <div role="alert" className="border-destructive/50 grid gap-3 rounded-md border p-3 text-sm">
            <p>
              <strong>You have not copied the new key.</strong> Once this closes, it cannot be shown again.
            </p>
            <DialogFooter>
              <Button variant="outline" onClick={onDone}>
                Close without copying
              </Button>
              <Button autoFocus onClick={onKeepOpen}>
                Keep the key open
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <DialogFooter>
            <Button onClick={onDone}>I have copied the key</Button>
          </DialogFooter>
        )}
      </>
    );
  }
  return (
    <form action={action} className="grid gap-4">
      <DialogHeader>
        <DialogTitle>Roll the API key</DialogTitle>
        <DialogDescription>
          Parley creates a new key for this integration. The endpoint does not change. Give your backend time to switch
          by keeping the current key working for a while. At most two keys work at once: an older key still in its grace
          period stops now.
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

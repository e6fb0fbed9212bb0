"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Loader2Icon, RotateCcwIcon, Trash2Icon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import {
  deleteIntegrationAction,
  recreateIntegrationAction,
  type KeyRevealState,
} from "@/app/(dashboard)/integrations/actions";
import { ConfirmByName } from "@/components/confirm-by-name";
import { FormMessage } from "@/components/form-field";
import { stashRevealedKey } from "@/components/integrations/reveal-store";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/lazy/dialog";
import type { FormState } from "@/lib/validations/form";

export function DangerZone({
  integrationId,
  name,
  endpoint,
  widget = false,
}: {
  integrationId: string;
  name: string;
  endpoint: string;
  /** A website widget: no key, a snippet instead of an endpoint. */
  widget?: boolean;
}) {
  return (
    <div className="border-destructive/40 divide-destructive/20 divide-y rounded-xl border">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h3 className="font-medium">Recreate integration</h3>
          <p className="text-muted-foreground text-sm">
            {widget
              ? "A new widget with the same name, bot, websites and appearance, under a new id. The current snippet stops working at once: paste the new one into your website."
              : "A new integration with the same name, bot and allowed IPs, with a new endpoint and a new key. The current endpoint stops working at once."}
          </p>
        </div>
        <RecreateDialog integrationId={integrationId} endpoint={endpoint} widget={widget} />
      </div>
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h3 className="font-medium">Delete integration</h3>
          <p className="text-muted-foreground text-sm">
            {widget
              ? "The widget disappears from your website's chat at once (it says chat is unavailable). Its conversations stay in your inbox."
              : "The endpoint answers 404 at once and its keys stop working. Its conversations stay in your inbox."}
          </p>
        </div>
        <DeleteDialog integrationId={integrationId} name={name} />
      </div>
    </div>
  );
}

function RecreateDialog({
  integrationId,
  endpoint,
  widget,
}: {
  integrationId: string;
  endpoint: string;
  widget: boolean;
}) {
  const router = useRouter();
  const [state, action, pending] = useActionState<KeyRevealState>(recreateIntegrationAction.bind(null, integrationId), {
    status: "idle",
  });
  useEffect(() => {
    if (state.status === "saved" && state.integrationId && state.apiKey) {
      stashRevealedKey(state.integrationId, state.apiKey);
      toast.success("Integration recreated. Copy the new key now.");
      router.push(`/integrations/${state.integrationId}`);
    } else if (state.status === "saved" && state.integrationId) {
      toast.success("Widget recreated. Paste the new snippet into your website.");
      router.push(`/integrations/${state.integrationId}`);
    }
  }, [state, router]);
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button
          variant="outline"
          className="border-destructive/40 text-destructive hover:bg-destructive/10 hover:text-destructive"
        >
          <RotateCcwIcon /> Recreate
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form action={action} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Recreate this integration?</DialogTitle>
            <DialogDescription asChild>
              <div className="grid gap-2">
                {widget ? (
                  <p>
                    The current snippet stops working immediately; the widget on your website says chat is unavailable
                    until you paste the new snippet. Name, bot, websites and appearance are kept. Conversations so far
                    stay in your inbox.
                  </p>
                ) : (
                  <>
                    <p>
                      The current endpoint <code className="font-mono text-xs break-all">{endpoint}</code> and its keys
                      stop working immediately. Calls to it will get 404 until you update your backend with the new
                      endpoint and key.
                    </p>
                    <p>Name, bot and allowed IPs are kept. Conversations so far stay in your inbox.</p>
                  </>
                )}
              </div>
            </DialogDescription>
          </DialogHeader>
          <FormMessage state={state.status === "error" ? state : { status: "idle" }} />
          <DialogFooter>
            {/* The safe choice takes the focus as the dialog opens, not the destructive one. */}
            <DialogClose asChild>
              <Button type="button" variant="outline" autoFocus>
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" variant="destructive" disabled={pending}>
              {pending && <Loader2Icon className="animate-spin" />} Recreate integration
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function DeleteDialog({ integrationId, name }: { integrationId: string; name: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(
    deleteIntegrationAction.bind(null, integrationId),
    { status: "idle" },
  );
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="destructive">
          <Trash2Icon /> Delete
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form action={action} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Delete “{name}”?</DialogTitle>
            <DialogDescription>
              This cannot be undone. Apps calling this endpoint will get 404 from now on.
            </DialogDescription>
          </DialogHeader>
          <FormMessage state={state.status === "error" && !state.fieldErrors ? state : { status: "idle" }} />
          <input type="hidden" name="expected" value={name} />
          <ConfirmByName id="confirm" name={name} errors={state.fieldErrors?.confirm} pending={pending}>
            Delete integration
          </ConfirmByName>
        </form>
      </DialogContent>
    </Dialog>
  );
}

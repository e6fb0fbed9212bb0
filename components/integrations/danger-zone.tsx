"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import { Loader2Icon, RotateCcwIcon, Trash2Icon } from "lucide-react";
import { toast } from "@/components/ui/toast";
import { deleteIntegrationAction, recreateIntegrationAction, type KeyRevealState } from "@/app/(dashboard)/integrations/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { stashRevealedKey } from "@/components/integrations/reveal-store";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import type { FormState } from "@/lib/validations/form";

export function DangerZone({ integrationId, name, endpoint }: { integrationId: string; name: string; endpoint: string }) {
  return (
    <div className="border-destructive/40 divide-destructive/20 divide-y rounded-xl border">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h3 className="font-medium">Recreate integration</h3>
          <p className="text-muted-foreground text-sm">
            A new integration with the same name, bot and allowed IPs, with a new endpoint and a new key. The current endpoint stops working at once.
          </p>
        </div>
        <RecreateDialog integrationId={integrationId} endpoint={endpoint} />
      </div>
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h3 className="font-medium">Delete integration</h3>
          <p className="text-muted-foreground text-sm">
            The endpoint answers 404 at once and its keys stop working. Its conversations stay in your inbox.
          </p>
        </div>
        <DeleteDialog integrationId={integrationId} name={name} />
      </div>
    </div>
  );
}

function RecreateDialog({ integrationId, endpoint }: { integrationId: string; endpoint: string }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<KeyRevealState>(recreateIntegrationAction.bind(null, integrationId), { status: "idle" });
  useEffect(() => {
    if (state.status === "saved" && state.integrationId && state.apiKey) {
      stashRevealedKey(state.integrationId, state.apiKey);
      toast.success("Integration recreated. Copy the new key now.");
      router.push(`/integrations/${state.integrationId}`);
    }
  }, [state, router]);
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="outline" className="border-destructive/40 text-destructive hover:bg-destructive/10 hover:text-destructive">
          <RotateCcwIcon /> Recreate
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form action={action} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Recreate this integration?</DialogTitle>
            <DialogDescription asChild>
              <div className="grid gap-2">
                <p>
                  The current endpoint <code className="font-mono text-xs break-all">{endpoint}</code> and its keys stop working immediately.
                  Calls to it will get 404 until you update your backend with the new endpoint and key.
                </p>
                <p>Name, bot and allowed IPs are kept. Conversations so far stay in your inbox.</p>
              </div>
            </DialogDescription>
          </DialogHeader>
          <FormMessage state={state.status === "error" ? state : { status: "idle" }} />
          <DialogFooter>
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
  const [state, action, pending] = useActionState<FormState, FormData>(deleteIntegrationAction.bind(null, integrationId), { status: "idle" });
  const [typed, setTyped] = useState("");
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
          <FormField id="confirm" label={<span>Type <strong>{name}</strong> to confirm</span>} errors={state.fieldErrors?.confirm}>
            <Input id="confirm" name="confirm" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
          </FormField>
          <DialogFooter>
            <Button type="submit" variant="destructive" disabled={pending || typed.trim() !== name}>
              {pending && <Loader2Icon className="animate-spin" />} Delete integration
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

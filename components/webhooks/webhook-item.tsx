"use client";

import { useState, useTransition } from "react";
import {
  EyeIcon,
  EyeOffIcon,
  Loader2Icon,
  MoreHorizontalIcon,
  PauseIcon,
  PencilIcon,
  PlayIcon,
  RefreshCwIcon,
  SendIcon,
  Trash2Icon,
} from "lucide-react";
import { toast } from "@/components/lazy/toast";
import {
  deleteWebhookAction,
  revealWebhookSecretAction,
  rotateWebhookSecretAction,
  sendTestEventAction,
  setWebhookEnabledAction,
  updateWebhookAction,
  type WebhookActionResult,
} from "@/app/(dashboard)/settings/webhooks/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/lazy/dialog";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/lazy/dropdown-menu";
import { SecretDisplay } from "@/components/webhooks/secret-display";
import { WebhookForm } from "@/components/webhooks/webhook-form";
import { formatRelative } from "@/lib/format";

export type WebhookView = {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  pending: number;
  failed: number;
  lastDeliveryAt: Date | null;
  lastStatus: "pending" | "delivered" | "failed" | null;
};

/** One webhook: where it sends, what, how it is doing, and its controls (owners and admins). */
export function WebhookItem({ webhook: w, canManage }: { webhook: WebhookView; canManage: boolean }) {
  const [pending, start] = useTransition();
  const [secret, setSecret] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"edit" | "rotate" | "delete" | null>(null);

  function run(action: () => Promise<WebhookActionResult>, done?: string, then?: (r: WebhookActionResult) => void) {
    start(async () => {
      try {
        const result = await action();
        if (result.status !== "saved") return void toast.error(result.message);
        if (result.message ?? done) toast.success(result.message ?? done);
        then?.(result);
      } catch {
        toast.error("That did not work. Check your connection and try again.");
      }
    });
  }

  return (
    <Card className="gap-4 py-5" data-testid="webhook" data-webhook-id={w.id}>
      <CardContent className="grid gap-4 px-5">
        <div className="flex min-w-0 flex-wrap items-start gap-3">
          <div className="grid min-w-0 flex-1 gap-1.5">
            <div className="flex min-w-0 items-center gap-2">
              <code className="truncate font-mono text-sm font-medium" title={w.url}>
                {w.url}
              </code>
              {w.enabled ? <Badge variant="success">Enabled</Badge> : <Badge variant="secondary">Disabled</Badge>}
            </div>
            <div className="flex flex-wrap gap-1.5">
              {w.events.map((e) => (
                <Badge key={e} variant="outline" className="font-mono">
                  {e}
                </Badge>
              ))}
            </div>
            <p className="text-muted-foreground text-xs">
              {w.lastDeliveryAt ? `Last event ${formatRelative(w.lastDeliveryAt)} (${w.lastStatus})` : "No events yet"}
              {w.pending > 0 && ` · ${w.pending} waiting${w.enabled ? "" : " until enabled"}`}
              {w.failed > 0 && ` · ${w.failed} failed`}
            </p>
          </div>
          {canManage && (
            <div className="flex flex-wrap items-center gap-2">
              <Button
                size="sm"
                variant="outline"
                disabled={pending || !w.enabled}
                onClick={() => run(() => sendTestEventAction(w.id))}
              >
                {pending ? <Loader2Icon className="animate-spin" /> : <SendIcon />} Send test event
              </Button>
              <Button
                size="sm"
                variant="outline"
                disabled={pending}
                onClick={() =>
                  secret
                    ? setSecret(null)
                    : run(
                        () => revealWebhookSecretAction(w.id),
                        undefined,
                        (r) => setSecret(r.secret ?? null),
                      )
                }
              >
                {secret ? <EyeOffIcon /> : <EyeIcon />} {secret ? "Hide secret" : "Show secret"}
              </Button>
              <DropdownMenu modal={false}>
                <DropdownMenuTrigger asChild>
                  <Button size="icon" variant="ghost" aria-label="More actions" className="size-8">
                    <MoreHorizontalIcon />
                  </Button>
                </DropdownMenuTrigger>
                <DropdownMenuContent align="end">
                  <DropdownMenuItem onSelect={() => setDialog("edit")}>
                    <PencilIcon /> Edit
                  </DropdownMenuItem>
                  <DropdownMenuItem
                    onSelect={() =>
                      run(
                        () => setWebhookEnabledAction(w.id, !w.enabled),
                        w.enabled ? "Webhook disabled." : "Webhook enabled.",
                      )
                    }
                  >
                    {w.enabled ? <PauseIcon /> : <PlayIcon />} {w.enabled ? "Disable" : "Enable"}
                  </DropdownMenuItem>
                  <DropdownMenuItem onSelect={() => setDialog("rotate")}>
                    <RefreshCwIcon /> Rotate secret
                  </DropdownMenuItem>
                  <DropdownMenuItem
                    onSelect={() => setDialog("delete")}
                    className="text-destructive focus:text-destructive"
                  >
                    <Trash2Icon /> Delete
                  </DropdownMenuItem>
                </DropdownMenuContent>
              </DropdownMenu>
            </div>
          )}
        </div>
        {secret && <SecretDisplay secret={secret} />}
      </CardContent>

      <Dialog open={dialog === "edit"} onOpenChange={(open) => setDialog(open ? "edit" : null)}>
        <DialogContent className="sm:max-w-xl">
          <DialogHeader>
            <DialogTitle>Edit webhook</DialogTitle>
            <DialogDescription>Events already queued go to the new URL too.</DialogDescription>
          </DialogHeader>
          {dialog === "edit" && (
            <WebhookForm
              action={updateWebhookAction.bind(null, w.id)}
              initial={{ url: w.url, events: w.events }}
              submitLabel="Save"
              onSuccess={() => {
                setDialog(null);
                toast.success("Webhook saved.");
              }}
            />
          )}
        </DialogContent>
      </Dialog>

      <Dialog open={dialog === "rotate"} onOpenChange={(open) => setDialog(open ? "rotate" : null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Rotate the signing secret?</DialogTitle>
            <DialogDescription>
              Parley signs with the new secret from now on, retries included. Requests your endpoint checks with the old
              secret will fail until you update it.
            </DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="ghost" onClick={() => setDialog(null)}>
              Cancel
            </Button>
            <Button
              disabled={pending}
              onClick={() =>
                run(
                  () => rotateWebhookSecretAction(w.id),
                  "New secret created. Copy it into your endpoint.",
                  (r) => {
                    setSecret(r.secret ?? null);
                    setDialog(null);
                  },
                )
              }
            >
              {pending && <Loader2Icon className="animate-spin" />} Rotate secret
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>

      <Dialog open={dialog === "delete"} onOpenChange={(open) => setDialog(open ? "delete" : null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Delete this webhook?</DialogTitle>
            <DialogDescription>
              <span className="font-mono break-all">{w.url}</span> stops receiving events at once; queued deliveries and
              the delivery log of this webhook are deleted too.
            </DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="ghost" onClick={() => setDialog(null)}>
              Cancel
            </Button>
            <Button
              variant="destructive"
              disabled={pending}
              onClick={() =>
                run(
                  () => deleteWebhookAction(w.id),
                  "Webhook deleted.",
                  () => setDialog(null),
                )
              }
            >
              {pending && <Loader2Icon className="animate-spin" />} Delete webhook
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Card>
  );
}

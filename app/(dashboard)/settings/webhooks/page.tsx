import type { Metadata } from "next";
import { WebhookIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { AddWebhookDialog } from "@/components/webhooks/add-webhook-dialog";
import { DeliveryLog } from "@/components/webhooks/delivery-log";
import { RefreshWhilePending } from "@/components/webhooks/refresh-while-pending";
import { WebhookItem } from "@/components/webhooks/webhook-item";
import { getDb } from "@/db";
import { listDeliveries, listWebhooks } from "@/db/queries/webhooks";
import { requireWorkspace } from "@/lib/session";
import { MAX_WEBHOOKS } from "@/lib/validations/limits";

export const metadata: Metadata = { title: "Webhooks" };

/** Deliveries about to be attempted: the page keeps refreshing until they have an outcome. */
function dueWithinAMinute(deliveries: { status: string; nextAttemptAt: Date }[]): boolean {
  const soon = Date.now() + 60_000;
  return deliveries.some((d) => d.status === "pending" && d.nextAttemptAt.getTime() < soon);
}

export default async function WebhooksPage() {
  const { workspace, can } = await requireWorkspace();
  const db = await getDb();
  const [hooks, deliveries] = await Promise.all([
    listWebhooks(db, workspace.id),
    listDeliveries(db, { workspaceId: workspace.id, limit: 50 }),
  ]);
  const manage = can("manage_workspace");
  const inFlight = dueWithinAMinute(deliveries);
  const add = manage ? <AddWebhookDialog disabled={hooks.length >= MAX_WEBHOOKS} /> : null;

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
      <RefreshWhilePending active={inFlight} />
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="space-y-1">
          <h2 className="text-lg font-semibold">Webhooks</h2>
          <p className="text-muted-foreground max-w-2xl text-sm">
            Parley POSTs events to your endpoints as they happen: new leads, handoff requests and team replies. Each
            request is signed (HMAC-SHA256 in <code className="font-mono text-xs">Parley-Signature</code>), retried with
            back-off for about a day if your endpoint fails, and sent in order within a conversation.
          </p>
        </div>
        {add /* always here: the dialog must stay mounted when the first webhook replaces the empty state */}
      </div>

      {hooks.length === 0 ? (
        <EmptyState icon={WebhookIcon} title="No webhooks yet">
          Add an endpoint to hear about new leads, customers asking for a person, and team replies, for your CRM, Slack
          or helpdesk.
          {!manage && " Owners and admins can add webhooks."}
        </EmptyState>
      ) : (
        <div className="grid gap-3">
          {hooks.map((w) => (
            <WebhookItem key={w.id} webhook={w} canManage={manage} />
          ))}
        </div>
      )}

      <Card className="gap-0 pb-0">
        <CardHeader className="pb-4">
          <CardTitle>Delivery log</CardTitle>
          <CardDescription>
            The latest 50 deliveries. A failed attempt is retried after 10 s, 30 s, 2 min, 10 min, 1 h and so on, 10
            attempts in all.
          </CardDescription>
        </CardHeader>
        {deliveries.length === 0 ? (
          <CardContent className="text-muted-foreground border-t py-8 text-center text-sm">
            Nothing sent yet. {hooks.length > 0 && manage ? "Send a test event to check your endpoint." : null}
          </CardContent>
        ) : (
          <DeliveryLog entries={deliveries} canManage={manage} showUrl={hooks.length > 1} />
        )}
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Verifying a request</CardTitle>
          <CardDescription>
            Every request carries <code className="font-mono">Parley-Event</code>,{" "}
            <code className="font-mono">Parley-Delivery</code> (the event id, the same on every retry: use it to ignore
            duplicates) and the signature.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <pre
            aria-label="Signature check in Node.js"
            tabIndex={0}
            className="bg-muted/60 focus-visible:ring-ring/50 overflow-x-auto rounded-lg border p-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-[3px]"
          >{`// Node.js: verify before trusting the body (use the raw bytes, not re-serialised JSON)
import crypto from "node:crypto";

function verify(secret, header, rawBody, toleranceSeconds = 300) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=")));
  const expected = crypto.createHmac("sha256", secret).update(\`\${parts.t}.\${rawBody}\`).digest("hex");
  const ok = parts.v1?.length === expected.length &&
    crypto.timingSafeEqual(Buffer.from(parts.v1), Buffer.from(expected));
  return ok && Math.abs(Date.now() / 1000 - Number(parts.t)) <= toleranceSeconds;
}`}</pre>
        </CardContent>
      </Card>
    </div>
  );
}

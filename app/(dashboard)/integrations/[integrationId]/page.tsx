import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ArrowLeftIcon } from "lucide-react";
import { AllowedIpsForm } from "@/components/integrations/allowed-ips-form";
import { DangerZone } from "@/components/integrations/danger-zone";
import { RollKeyDialog } from "@/components/integrations/roll-key-dialog";
import { SetupPanel } from "@/components/integrations/setup-panel";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db";
import { getIntegration } from "@/db/queries/integrations";
import { formatDateTime, formatNumber, formatRelative } from "@/lib/format";
import { PLAN_LABELS, planLimits } from "@/lib/plans";
import { requestOrigin } from "@/lib/request-origin";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Integration" };

export default async function IntegrationPage({ params }: { params: Promise<{ integrationId: string }> }) {
  const { integrationId } = await params;
  const { workspace, can } = await requireWorkspace();
  const integration = await getIntegration(await getDb(), { workspaceId: workspace.id, integrationId });
  if (!integration) notFound(); // another workspace's integration looks exactly like a missing one
  const endpoint = `${await requestOrigin()}/chat/custom/${integration.id}`;
  const limits = planLimits(workspace.plan);
  const manage = can("manage_integrations");
  const [current, previous] = integration.keys;

  return (
    <>
      <Link href="/integrations" className="text-muted-foreground hover:text-foreground mb-4 inline-flex items-center gap-1 text-sm">
        <ArrowLeftIcon className="size-4" /> Integrations
      </Link>
      <div className="mb-6 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{integration.name}</h1>
        <Badge variant="secondary">Custom API</Badge>
      </div>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="flex min-w-0 flex-col gap-6">
          <SetupPanel integrationId={integration.id} endpoint={endpoint} hint={current?.hint ?? null} />

          <Card>
            <CardHeader>
              <CardTitle>Request and response</CardTitle>
              <CardDescription>
                JSON in, JSON out. Only message is required (up to 8,000 characters). Omit conversation_id to start a conversation; send it
                back to continue one. user_id identifies your end user.
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4 md:grid-cols-2">
              <div className="min-w-0">
                <div className="text-muted-foreground mb-2 text-xs font-medium tracking-wide uppercase">Request body</div>
                <pre className="bg-muted/60 overflow-x-auto rounded-lg border p-3 font-mono text-xs leading-relaxed">{`{
  "message": "Hello!",
  "user_id": "user_123",
  "conversation_id": "conv_…"
}`}</pre>
              </div>
              <div className="min-w-0">
                <div className="text-muted-foreground mb-2 text-xs font-medium tracking-wide uppercase">Response 200</div>
                <pre className="bg-muted/60 overflow-x-auto rounded-lg border p-3 font-mono text-xs leading-relaxed">{`{
  "reply": "Hi! How can I help?",
  "conversation_id": "conv_…",
  "message_id": "msg_…",
  "handoff": false
}`}</pre>
              </div>
              <p className="text-muted-foreground text-sm md:col-span-2">
                Errors come as <code className="font-mono text-xs">{`{"error": {"code", "message"}}`}</code> with a 4xx or 5xx status. The
                full reference, with streaming and idempotent retries, is at{" "}
                <a className="text-primary underline-offset-4 hover:underline" href="/api/openapi.json">
                  /api/openapi.json
                </a>
                .
              </p>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Allowed IPs</CardTitle>
              <CardDescription>
                Only these addresses (IPv4, IPv6 or CIDR ranges) may call this integration. Leave it empty to allow every address. Changes apply
                to the next request.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <AllowedIpsForm integrationId={integration.id} saved={integration.allowedIps} canEdit={manage} />
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>API keys</CardTitle>
              <CardDescription>Keys are stored only as a hash; Parley cannot show a key again. Roll the key to get a new one.</CardDescription>
            </CardHeader>
            <CardContent className="flex min-w-0 flex-col gap-4">
              <ul className="divide-y rounded-lg border text-sm" data-testid="key-list">
                {integration.keys.length === 0 && <li className="text-muted-foreground p-3">No working key. Roll the key to create one.</li>}
                {integration.keys.map((k) => (
                  <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
                    <span className="font-mono">sk-parley_…{k.hint}</span>
                    <span className="text-muted-foreground text-xs">
                      {k.expiresAt ? `Stops working ${formatRelative(k.expiresAt)}` : "Current key"} · created {formatRelative(k.createdAt)} · last
                      used {formatRelative(k.lastUsedAt, undefined, "never")}
                    </span>
                  </li>
                ))}
              </ul>
              {previous && (
                <p className="text-muted-foreground text-xs">Rolling again now stops the older key immediately: at most two keys work at once.</p>
              )}
              {manage && (
                <div>
                  <RollKeyDialog integrationId={integration.id} />
                </div>
              )}
            </CardContent>
          </Card>

          {manage && (
            <section className="grid gap-3">
              <h2 className="text-destructive text-lg font-semibold">Danger zone</h2>
              <DangerZone integrationId={integration.id} name={integration.name} endpoint={endpoint} />
            </section>
          )}
        </div>

        <aside className="grid content-start gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Details</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-3 text-sm">
                <div>
                  <dt className="text-muted-foreground">Bot</dt>
                  <dd className="font-medium">
                    <Link href={`/bots/${integration.botId}`} className="hover:text-primary underline-offset-4 hover:underline">
                      {integration.botName}
                    </Link>
                  </dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">Created</dt>
                  <dd>{formatDateTime(integration.createdAt)}</dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">Last used</dt>
                  <dd>{formatRelative(integration.lastUsedAt)}</dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">Messages this month</dt>
                  <dd className="tabular-nums">{formatNumber(integration.messagesThisMonth)}</dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">Integration ID</dt>
                  <dd className="font-mono text-xs break-all">{integration.id}</dd>
                </div>
              </dl>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Limits</CardTitle>
              <CardDescription>{PLAN_LABELS[workspace.plan]} plan</CardDescription>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-3 text-sm">
                <div>
                  <dt className="text-muted-foreground">Rate limit</dt>
                  <dd>{formatNumber(limits.requestsPerMinute)} requests a minute</dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">Monthly quota</dt>
                  <dd>{formatNumber(limits.messagesPerMonth)} messages (whole workspace)</dd>
                </div>
              </dl>
              <p className="text-muted-foreground mt-3 text-xs">Over either limit the API answers 429 with Retry-After.</p>
            </CardContent>
          </Card>
        </aside>
      </div>
    </>
  );
}

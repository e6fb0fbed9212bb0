import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AllowedIpsForm } from "@/components/integrations/allowed-ips-form";
import { EndUserLimitsForm } from "@/components/integrations/end-user-limits-form";
import { IntegrationSetupPage } from "@/components/integrations/integration-setup-page";
import { RollKeyDialog } from "@/components/integrations/roll-key-dialog";
import { SetupPanel } from "@/components/integrations/setup-panel";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { WidgetSetupPage } from "@/components/integrations/widget-setup-page";
import { getDb } from "@/db";
import { listBotNames } from "@/db/queries/bots";
import { getIntegration } from "@/db/queries/integrations";
import { formatNumber, formatRelative } from "@/lib/format";
import { PLAN_LABELS, planLimits } from "@/lib/plans";
import { requestOrigin } from "@/lib/request-origin";
import { requireWorkspace } from "@/lib/session";
import { MAX_MESSAGE_CHARS } from "@/lib/validations/limits";

export const metadata: Metadata = { title: "Integration" };

export default async function IntegrationPage({ params }: { params: Promise<{ integrationId: string }> }) {
  const { integrationId } = await params;
  const { workspace, can } = await requireWorkspace();
  const integration = await getIntegration(await getDb(), { workspaceId: workspace.id, integrationId });
  if (!integration) notFound(); // another workspace's integration looks exactly like a missing one
  if (integration.type === "widget") {
    const workspaceBots = await listBotNames(await getDb(), workspace.id);
    return (
      <WidgetSetupPage
        integration={integration}
        bots={workspaceBots}
        origin={await requestOrigin()}
        manage={can("manage_integrations")}
      />
    );
  }
  const endpoint = `${await requestOrigin()}/chat/custom/${integration.id}`;
  const limits = planLimits(workspace.plan);
  const manage = can("manage_integrations");
  const [current, previous] = integration.keys;

  return (
    <IntegrationSetupPage
      integration={integration}
      type="Custom API"
      manage={manage}
      endpoint={endpoint}
      aside={
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
              {(integration.endUserLimits.requestsPerMinute !== null ||
                integration.endUserLimits.messagesPerMonth !== null) && (
                <div>
                  <dt className="text-muted-foreground">Per end user</dt>
                  <dd>
                    {[
                      integration.endUserLimits.requestsPerMinute !== null &&
                        `${formatNumber(integration.endUserLimits.requestsPerMinute)} a minute`,
                      integration.endUserLimits.messagesPerMonth !== null &&
                        `${formatNumber(integration.endUserLimits.messagesPerMonth)} a month`,
                    ]
                      .filter(Boolean)
                      .join(", ")}
                  </dd>
                </div>
              )}
            </dl>
            <p className="text-muted-foreground mt-3 text-xs">
              Over either limit the API answers 429 with Retry-After.
            </p>
          </CardContent>
        </Card>
      }
    >
      <SetupPanel integrationId={integration.id} endpoint={endpoint} hint={current?.hint ?? null} />

      <Card>
        <CardHeader>
          <CardTitle>Request and response</CardTitle>
          <CardDescription>
            JSON in, JSON out. Only message is required (up to {MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters).
            Omit conversation_id to start a conversation; send it back to continue one. user_id identifies your end
            user.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-2">
          <div className="min-w-0">
            <div className="text-muted-foreground mb-2 text-xs font-medium tracking-wide uppercase">Request body</div>
            <pre
              aria-label="Request body example"
              tabIndex={0}
              className="bg-muted/60 focus-visible:ring-ring/50 overflow-x-auto rounded-lg border p-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-[3px]"
            >{`{
  "message": "Hello!",
  "user_id": "user_123",
  "conversation_id": "conv_…"
}`}</pre>
          </div>
          <div className="min-w-0">
            <div className="text-muted-foreground mb-2 text-xs font-medium tracking-wide uppercase">Response 200</div>
            <pre
              aria-label="Response example"
              tabIndex={0}
              className="bg-muted/60 focus-visible:ring-ring/50 overflow-x-auto rounded-lg border p-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-[3px]"
            >{`{
  "reply": "Hi! How can I help?",
  "conversation_id": "conv_…",
  "message_id": "msg_…",
  "handoff": false
}`}</pre>
          </div>
          <p className="text-muted-foreground text-sm md:col-span-2">
            Errors come as <code className="font-mono text-xs">{`{"error": {"code", "message"}}`}</code> with a 4xx or
            5xx status. The full reference, with streaming and idempotent retries, is at{" "}
            <a className="text-primary underline underline-offset-4" href="/api/openapi.json">
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
            Only these addresses (IPv4, IPv6 or CIDR ranges) may call this integration. Leave it empty to allow every
            address. Changes apply to the next request.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <AllowedIpsForm integrationId={integration.id} saved={integration.allowedIps} canEdit={manage} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Limits per end user</CardTitle>
          <CardDescription>
            Optional: how much one end user (the <code className="font-mono text-xs">user_id</code> you send) may use,
            so that one user cannot spend the integration&apos;s limits or the workspace&apos;s quota. Over it the API
            answers 429 <code className="font-mono text-xs">user_rate_limited</code> or{" "}
            <code className="font-mono text-xs">user_quota_exceeded</code>. Requests without a user_id are not limited
            per user.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <EndUserLimitsForm integrationId={integration.id} limits={integration.endUserLimits} canManage={manage} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>API keys</CardTitle>
          <CardDescription>
            Keys are stored only as a hash; Parley cannot show a key again. Roll the key to get a new one.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex min-w-0 flex-col gap-4">
          <ul className="divide-y rounded-lg border text-sm" data-testid="key-list">
            {integration.keys.length === 0 && (
              <li className="text-muted-foreground p-3">No working key. Roll the key to create one.</li>
            )}
            {integration.keys.map((k) => (
              <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
                <span className="font-mono">sk-parley_…{k.hint}</span>
                <span className="text-muted-foreground text-xs">
                  {k.expiresAt ? `Stops working ${formatRelative(k.expiresAt)}` : "Current key"} · created{" "}
                  {formatRelative(k.createdAt)} · last used {formatRelative(k.lastUsedAt, undefined, "never")}
                </span>
              </li>
            ))}
          </ul>
          {previous && (
            <p className="text-muted-foreground text-xs">
              Rolling again now stops the older key immediately: at most two keys work at once.
            </p>
          )}
          {manage && (
            <div>
              <RollKeyDialog integrationId={integration.id} />
            </div>
          )}
        </CardContent>
      </Card>
    </IntegrationSetupPage>
  );
}

import type { ReactNode } from "react";
import Link from "next/link";
import { BackLink } from "@/components/page-header";
import { DangerZone } from "@/components/integrations/danger-zone";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { IntegrationSummary } from "@/db/queries/integrations";
import { formatDateTime, formatNumber, formatRelative } from "@/lib/format";

/**
 * The setup page of an integration of either type: the way back, its name and type, the type's own
 * cards, the danger zone for those who manage integrations, and its details beside them.
 */
export function IntegrationSetupPage({
  integration,
  type,
  status,
  manage,
  endpoint,
  aside,
  children,
}: {
  integration: IntegrationSummary;
  /** "Custom API" or "Website widget". */
  type: string;
  /** Badges after the type's. */
  status?: ReactNode;
  manage: boolean;
  /** What deleting it stops: the API endpoint, or the widget's script. */
  endpoint: string;
  /** Cards under the details. */
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <BackLink href="/integrations">Integrations</BackLink>
      <div className="mb-6 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{integration.name}</h1>
        <Badge variant="secondary">{type}</Badge>
        {status}
      </div>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="flex min-w-0 flex-col gap-6">
          {children}
          {manage && (
            <section className="grid gap-3">
              <h2 className="text-destructive text-lg font-semibold">Danger zone</h2>
              <DangerZone
                integrationId={integration.id}
                name={integration.name}
                endpoint={endpoint}
                widget={integration.type === "widget"}
              />
            </section>
          )}
        </div>

        <aside className="grid content-start gap-6">
          <IntegrationDetails integration={integration} />
          {aside}
        </aside>
      </div>
    </>
  );
}

function IntegrationDetails({ integration }: { integration: IntegrationSummary }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Details</CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-3 text-sm">
          <div>
            <dt className="text-muted-foreground">Bot</dt>
            <dd className="font-medium">
              <Link
                href={`/bots/${integration.botId}`}
                className="hover:text-primary underline-offset-4 hover:underline"
              >
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
  );
}

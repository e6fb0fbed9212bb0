import type { Metadata } from "next";
import Link from "next/link";
import { PlugIcon, PlusIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db";
import { listIntegrations } from "@/db/queries/integrations";
import { formatNumber, formatRelative } from "@/lib/format";
import { INTEGRATION_TYPE_LABELS } from "@/lib/integration-types";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const { workspace, can } = await requireWorkspace();
  const { deleted } = await searchParams;
  const items = await listIntegrations(await getDb(), workspace.id);
  const add = can("manage_integrations") ? (
    <Button asChild>
      <Link href="/integrations/new">
        <PlusIcon /> Add integration
      </Link>
    </Button>
  ) : null;
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Connect your bots to your own apps and websites."
        actions={items.length ? add : null}
      />
      {deleted && (
        <p role="status" className="bg-success/10 text-foreground mb-6 rounded-md px-3 py-2 text-sm">
          “{deleted.slice(0, 100)}” was deleted. Its endpoint now answers 404; its conversations stay in your inbox.
        </p>
      )}
      {items.length === 0 ? (
        <EmptyState icon={PlugIcon} title="No integrations yet" action={add}>
          An integration connects a bot to your product: a chat bubble on your website, or the Custom API, where your
          backend sends a user&apos;s message to one endpoint and gets the bot&apos;s reply back. Parley handles
          knowledge, memory, lead capture and handoff to your team.
        </EmptyState>
      ) : (
        <Card className="py-0">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Type</TableHead>
                <TableHead>Bot</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Key</TableHead>
                <TableHead>Allowed</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead className="text-right">Messages this month</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((i) => (
                <TableRow key={i.id}>
                  <TableCell className="font-medium">
                    <Link
                      href={`/integrations/${i.id}`}
                      className="hover:text-primary underline-offset-4 hover:underline"
                    >
                      {i.name}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <Badge variant="secondary">{INTEGRATION_TYPE_LABELS[i.type]}</Badge>
                  </TableCell>
                  <TableCell className="text-muted-foreground">{i.botName}</TableCell>
                  <TableCell>
                    {i.disabledAt ? (
                      <Badge variant="destructive">Disabled</Badge>
                    ) : (
                      <Badge variant="outline">Active</Badge>
                    )}
                  </TableCell>
                  <TableCell className="font-mono text-xs">
                    {i.keys[0] ? `sk-parley_…${i.keys[0].hint}` : "—"}
                  </TableCell>
                  <TableCell className="text-muted-foreground">
                    {i.type === "widget"
                      ? `${i.allowedOrigins.length} ${i.allowedOrigins.length === 1 ? "website" : "websites"}`
                      : i.allowedIps.length
                        ? `${i.allowedIps.length} allowed`
                        : "Any address"}
                  </TableCell>
                  <TableCell className="text-muted-foreground">{formatRelative(i.lastUsedAt)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatNumber(i.messagesThisMonth)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </>
  );
}

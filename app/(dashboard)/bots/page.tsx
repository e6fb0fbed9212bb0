import type { Metadata } from "next";
import Link from "next/link";
import { AlertCircleIcon, BotIcon, Loader2Icon } from "lucide-react";
import { CreateBotDialog } from "@/components/bots/create-bot-dialog";
import { DeletedToast } from "@/components/bots/deleted-toast";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db";
import { listBots } from "@/db/queries/bots";
import { engineFor } from "@/lib/chat/reply";
import { formatDateTime, formatNumber, formatRelative } from "@/lib/format";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Bots" };

export default async function BotsPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const { deleted } = await searchParams;
  const { workspace, can } = await requireWorkspace();
  const items = await listBots(await getDb(), workspace.id);
  const create = can("manage_bots") ? <CreateBotDialog /> : null;
  return (
    <>
      {deleted && <DeletedToast name={deleted.slice(0, 80)} />}
      <PageHeader
        title="Bots"
        description="A bot answers your customers from the knowledge you give it. Each integration is connected to one bot."
        actions={items.length ? create : null}
      />
      {items.length === 0 ? (
        <EmptyState icon={BotIcon} title="No bots yet" action={create ?? undefined}>
          A bot answers your customers from the documents you give it: help articles, pricing pages, policies. Create
          one, add what it should know, and try it in the test chat before you connect it.
        </EmptyState>
      ) : (
        <Card className="py-0">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Knowledge</TableHead>
                <TableHead className="text-right">Chunks</TableHead>
                <TableHead className="text-right">Integrations</TableHead>
                <TableHead>Created</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((bot) => (
                <TableRow key={bot.id}>
                  <TableCell>
                    <div className="flex items-center gap-2">
                      <Link
                        href={`/bots/${bot.id}`}
                        className="hover:text-primary font-medium underline-offset-4 hover:underline"
                      >
                        {bot.name}
                      </Link>
                      <Badge variant="secondary">{engineFor(bot) === "llm" ? "Model" : "Built-in"}</Badge>
                    </div>
                  </TableCell>
                  <TableCell>
                    <div className="flex items-center gap-2">
                      <span className={bot.sources ? "" : "text-muted-foreground"}>
                        {bot.sources === 0
                          ? "No sources"
                          : `${formatNumber(bot.sources)} ${bot.sources === 1 ? "source" : "sources"}`}
                      </span>
                      {bot.importing > 0 && (
                        <Badge variant="outline" className="text-muted-foreground">
                          <Loader2Icon className="animate-spin" /> Importing {bot.importing}
                        </Badge>
                      )}
                      {bot.failed > 0 && (
                        <Badge variant="destructive">
                          <AlertCircleIcon /> {bot.failed} failed
                        </Badge>
                      )}
                    </div>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatNumber(bot.chunks)}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {bot.integrations ? (
                      formatNumber(bot.integrations)
                    ) : (
                      <span className="text-muted-foreground">None</span>
                    )}
                  </TableCell>
                  <TableCell className="text-muted-foreground whitespace-nowrap">
                    <time dateTime={bot.createdAt.toISOString()} title={formatDateTime(bot.createdAt)}>
                      {formatRelative(bot.createdAt)}
                    </time>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </>
  );
}

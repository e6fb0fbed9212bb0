import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AlertTriangleIcon, PlugIcon } from "lucide-react";
import { BackLink } from "@/components/page-header";
import { AddKnowledge } from "@/components/bots/add-knowledge";
import { KnowledgeSources } from "@/components/bots/knowledge-sources";
import {
  BotSettingsForm,
  DeleteBot,
  HandoffForm,
  LeadCaptureForm,
  SettingsTabTrigger,
} from "@/components/bots/lazy-settings";
import { TestChat } from "@/components/bots/test-chat";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { BotTabs } from "@/components/bots/bot-tabs";
import { TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { getDb } from "@/db";
import { botDeletionImpact, getBot } from "@/db/queries/bots";
import { hasPgvector } from "@/db/queries/embeddings";
import { listSources } from "@/db/queries/knowledge";
import { DEFAULT_HANDOFF, DEFAULT_LEAD_CAPTURE } from "@/db/schema";
import { engineFor } from "@/lib/chat/reply";
import { llmConfigFromEnv } from "@/lib/engine/llm";
import { embeddingConfigFromEnv } from "@/lib/knowledge/embeddings";
import { EXACT_VECTOR_SEARCH_CHUNKS } from "@/lib/knowledge/vector-search";
import { formatNumber } from "@/lib/format";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Bot" };

export default async function BotPage({
  params,
  searchParams,
}: {
  params: Promise<{ botId: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const [{ botId }, { tab }] = await Promise.all([params, searchParams]);
  const { workspace, can } = await requireWorkspace();
  const db = await getDb();
  const bot = await getBot(db, { workspaceId: workspace.id, botId });
  if (!bot) notFound(); // another workspace's bot looks exactly like a missing one
  const scope = { workspaceId: workspace.id, botId };
  const embeddingModel = embeddingConfigFromEnv()?.model ?? null;
  const [sources, impact, pgvector] = await Promise.all([
    listSources(db, { ...scope, embeddingModel }),
    botDeletionImpact(db, scope),
    embeddingModel ? hasPgvector(db) : true,
  ]);
  const canManage = can("manage_bots");
  const config = llmConfigFromEnv();
  const model = config ? { model: config.model, host: safeHost(config.baseURL) } : null;
  const chunks = sources.reduce((sum, s) => sum + s.chunkCount, 0);
  const engine = engineFor(bot);

  return (
    <>
      <BackLink href="/bots">Bots</BackLink>
      <div className="mb-6 grid gap-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight break-words">{bot.name}</h1>
          <Badge variant="secondary">{engine === "llm" ? `Model · ${model?.model}` : "Built-in engine"}</Badge>
        </div>
        <p className="text-muted-foreground flex flex-col gap-x-2 gap-y-0.5 text-sm sm:flex-row sm:flex-wrap sm:items-center">
          <span>
            {formatNumber(sources.length)} {sources.length === 1 ? "source" : "sources"} · {formatNumber(chunks)}{" "}
            {chunks === 1 ? "chunk" : "chunks"}
          </span>
          <span aria-hidden className="hidden sm:inline">
            ·
          </span>
          {impact.liveIntegrations.length ? (
            <span className="inline-flex flex-wrap items-center gap-1">
              <PlugIcon className="size-3.5" /> Answers for{" "}
              {impact.liveIntegrations.map((i, n) => (
                <span key={i.id}>
                  <Link href={`/integrations/${i.id}`} className="text-foreground underline-offset-4 hover:underline">
                    {i.name}
                  </Link>
                  {n < impact.liveIntegrations.length - 1 ? "," : ""}
                </span>
              ))}
            </span>
          ) : (
            <span>Not connected to an integration yet</span>
          )}
        </p>
      </div>

      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <BotTabs defaultValue={tab === "settings" ? "settings" : "knowledge"} className="min-w-0 gap-4">
          <TabsList>
            <TabsTrigger value="knowledge">Knowledge</TabsTrigger>
            <SettingsTabTrigger value="settings">Settings</SettingsTabTrigger>
          </TabsList>
          <TabsContent value="knowledge" className="grid grid-cols-1 gap-6">
            {canManage && (
              <Card>
                <CardHeader>
                  <CardTitle>Add knowledge</CardTitle>
                  <CardDescription>
                    What the bot may answer from. Everything is split into searchable chunks.
                  </CardDescription>
                </CardHeader>
                <CardContent>
                  <AddKnowledge botId={bot.id} />
                </CardContent>
              </Card>
            )}
            <Card>
              <CardHeader>
                <CardTitle>Sources</CardTitle>
                <CardDescription>Imports run in the background; this list updates by itself.</CardDescription>
                {!pgvector && chunks > EXACT_VECTOR_SEARCH_CHUNKS && (
                  <p role="note" className="text-warning mt-2 flex items-start gap-1.5 text-sm">
                    <AlertTriangleIcon className="mt-0.5 size-4 shrink-0" />
                    <span>
                      This bot has {formatNumber(chunks)} chunks and the database has no pgvector extension, so meaning
                      search computes similarity in plain SQL, slower with every chunk added. Install pgvector on the
                      database (see the README, “Hybrid retrieval”) to keep answers fast.
                    </span>
                  </p>
                )}
              </CardHeader>
              <CardContent>
                <KnowledgeSources
                  botId={bot.id}
                  canManage={canManage}
                  sources={sources.map((s) => ({
                    ...s,
                    lastSyncedAt: s.lastSyncedAt?.toISOString() ?? null,
                    createdAt: s.createdAt.toISOString(),
                  }))}
                />
              </CardContent>
            </Card>
          </TabsContent>
          {/* The forms' code loads on intent or when the page is idle (lazy-settings.tsx); until it is there, each
              form's place is kept by a skeleton of its height (measured at 390 px and on wider screens). */}
          <TabsContent value="settings" className="grid grid-cols-1 gap-6">
            <Card>
              <CardHeader>
                <CardTitle>Settings</CardTitle>
                <CardDescription>
                  How the bot introduces itself, answers, and admits what it does not know.
                </CardDescription>
              </CardHeader>
              <CardContent>
                <BotSettingsForm
                  workspaceName={workspace.name}
                  bot={{
                    id: bot.id,
                    name: bot.name,
                    instructions: bot.instructions,
                    welcomeMessage: bot.welcomeMessage,
                    fallbackMessage: bot.fallbackMessage,
                    engine: bot.engine,
                    language: bot.language,
                    customerWords: bot.customerWords,
                  }}
                  model={model}
                  canManage={canManage}
                  fallback={<Skeleton className="h-[107rem] sm:h-[79rem]" />}
                />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Lead capture</CardTitle>
                <CardDescription>
                  Collect the contact details of people who want to hear from you. Leads appear on the Leads page.
                </CardDescription>
              </CardHeader>
              <CardContent>
                <LeadCaptureForm
                  botId={bot.id}
                  settings={{
                    ...DEFAULT_LEAD_CAPTURE,
                    ...bot.leadCapture,
                    fields: { ...DEFAULT_LEAD_CAPTURE.fields, ...bot.leadCapture.fields },
                  }}
                  canManage={canManage}
                  fallback={<Skeleton className="h-[50rem] sm:h-[37.5rem]" />}
                />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Human handoff</CardTitle>
                <CardDescription>
                  Let a member of your team take over a conversation when the bot cannot help.
                </CardDescription>
              </CardHeader>
              <CardContent>
                <HandoffForm
                  botId={bot.id}
                  settings={{ ...DEFAULT_HANDOFF, ...bot.handoff }}
                  canManage={canManage}
                  fallback={<Skeleton className="h-[51rem] sm:h-[38rem]" />}
                />
              </CardContent>
            </Card>
            {canManage && (
              <DeleteBot
                botId={bot.id}
                name={bot.name}
                impact={impact}
                fallback={<Skeleton className="h-[9.625rem] rounded-xl sm:h-[6.625rem]" />}
              />
            )}
          </TabsContent>
        </BotTabs>

        <TestChat
          key={bot.welcomeMessage}
          botId={bot.id}
          welcomeMessage={bot.welcomeMessage}
          canChat={can("work_inbox")}
          className="h-[36rem] xl:sticky xl:top-20 xl:h-[calc(100svh-7rem)] xl:max-h-[48rem]"
        />
      </div>
    </>
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the configured endpoint";
  }
}

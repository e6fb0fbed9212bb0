"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore, useTransition } from "react";
import {
  AlertCircleIcon,
  AlertTriangleIcon,
  CheckCircle2Icon,
  ClockIcon,
  FileTextIcon,
  GlobeIcon,
  Loader2Icon,
  MessageSquareQuoteIcon,
  MoreHorizontalIcon,
  NetworkIcon,
  PencilIcon,
  RefreshCwIcon,
  TextIcon,
  Trash2Icon,
} from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { deleteSourceAction, editCuratedAnswerAction, resyncSourceAction } from "@/app/(dashboard)/bots/actions";
// Its code is fetched when the page is idle by AddKnowledge, shown to the same people (those who manage bots).
import { CuratedAnswerForm } from "@/components/bots/lazy-knowledge-forms";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
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
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/lazy/dropdown-menu";
import { formatDateTime, formatNumber, formatRelative } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { ActionResult } from "@/lib/validations/form";

/** What the list shows of a source (dates arrive as ISO strings from the server). */
export type SourceView = {
  id: string;
  kind: "text" | "file" | "url" | "sitemap" | "qa";
  title: string;
  status: "queued" | "processing" | "ready" | "failed";
  progress: number;
  error: string | null;
  chunkCount: number;
  lastSyncedAt: string | null;
  createdAt: string;
  fileName: string | null;
  fileSize: number | null;
  /** The URL of a web page or sitemap, or the answer of a Q&A entry. */
  input: string | null;
  /** A Q&A entry's other phrasings of its question. */
  qaVariants: string[] | null;
  /** Chunks with a vector of the configured embedding model; null when no embedding model is configured. */
  embeddedChunks: number | null;
  /** Why the last embedding attempt failed (retried automatically). */
  embeddingError: string | null;
};

/** Whether the source's chunks are still waiting for vectors (meaning search covers them once they have them). */
const embedding = (s: SourceView) =>
  s.embeddedChunks !== null && s.chunkCount > 0 && s.embeddedChunks < s.chunkCount && s.status !== "processing";

const KIND = {
  text: { icon: TextIcon, label: "Text" },
  file: { icon: FileTextIcon, label: "File" },
  url: { icon: GlobeIcon, label: "Web page" },
  sitemap: { icon: NetworkIcon, label: "Sitemap" },
  qa: { icon: MessageSquareQuoteIcon, label: "Q&A" },
} as const;

/** "Synced 3 minutes ago" is computed in the browser (the server's clock and time zone may differ) and moves on every 30 s. */
const CLOCK_MS = 30_000;
const clockTick = () => Math.floor(Date.now() / CLOCK_MS);
function subscribeClock(onChange: () => void) {
  const timer = setInterval(onChange, CLOCK_MS / 2);
  return () => clearInterval(timer);
}

/** While anything is queued or importing, the page re-renders every two seconds so statuses move on their own. */
function useRefreshWhile(active: boolean, everyMs = 2000) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, router]);
}

export function KnowledgeSources({
  botId,
  sources,
  canManage,
}: {
  botId: string;
  sources: SourceView[];
  canManage: boolean;
}) {
  useRefreshWhile(
    sources.some((s) => s.status === "queued" || s.status === "processing" || (embedding(s) && !s.embeddingError)),
  );
  const tick = useSyncExternalStore(subscribeClock, clockTick, () => null);
  const now = tick === null ? null : new Date(tick * CLOCK_MS);

  if (sources.length === 0) {
    return (
      <p className="text-muted-foreground rounded-lg border border-dashed px-4 py-8 text-center text-sm">
        No knowledge yet. Until you add some, the bot answers every question with its fallback message.
      </p>
    );
  }
  return (
    <ul className="divide-y rounded-lg border" aria-label="Knowledge sources">
      {sources.map((source) => (
        <SourceRow key={source.id} botId={botId} source={source} canManage={canManage} now={now} />
      ))}
    </ul>
  );
}

function SourceRow({
  botId,
  source,
  canManage,
  now,
}: {
  botId: string;
  source: SourceView;
  canManage: boolean;
  now: Date | null;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const { icon: Icon, label } = KIND[source.kind];
  const busy = source.status === "queued" || source.status === "processing";

  const run = (action: () => Promise<ActionResult>) =>
    startTransition(async () => {
      const result = await action();
      if (result.status === "saved") toast.success(result.message);
      else toast.error(result.message);
      setConfirming(false);
      router.refresh();
    });

  const detail =
    source.kind === "file" ? source.fileName : source.kind === "url" || source.kind === "sitemap" ? source.input : null;
  const qa = source.kind === "qa";
  return (
    <li className="flex gap-3 p-4" aria-labelledby={`source-${source.id}-title`}>
      <div className="bg-muted text-muted-foreground mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-md">
        <Icon className="size-4" />
      </div>
      <div className="min-w-0 flex-1 space-y-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span id={`source-${source.id}-title`} className="min-w-0 font-medium wrap-anywhere">
            {source.title}
          </span>
          <StatusBadge source={source} />
        </div>
        <div className="text-muted-foreground flex flex-wrap gap-x-1.5 gap-y-0.5 text-xs">
          <span>{label}</span>
          {detail && detail !== source.title && (
            <span className="max-w-full truncate" title={detail}>
              · {detail}
            </span>
          )}
          {source.fileSize !== null && <span className="whitespace-nowrap">· {formatBytes(source.fileSize)}</span>}
          <span className="whitespace-nowrap">
            · {formatNumber(source.chunkCount)} {source.chunkCount === 1 ? "chunk" : "chunks"}
          </span>
          <span
            className="whitespace-nowrap"
            title={source.lastSyncedAt ? formatDateTime(source.lastSyncedAt) : undefined}
          >
            ·{" "}
            {source.lastSyncedAt
              ? `Synced ${now ? formatRelative(source.lastSyncedAt, now) : formatDateTime(source.lastSyncedAt)}`
              : "Not synced yet"}
          </span>
          {embedding(source) && !source.embeddingError && (
            <span className="whitespace-nowrap">
              · Meaning search: {formatNumber(source.embeddedChunks!)} of {formatNumber(source.chunkCount)} chunks
            </span>
          )}
        </div>
        {qa && source.input && (
          <p className="text-muted-foreground line-clamp-2 text-sm wrap-anywhere">{source.input}</p>
        )}
        {qa && !!source.qaVariants?.length && (
          <p className="text-muted-foreground text-xs wrap-anywhere">
            Also asked as: {source.qaVariants.map((v) => `“${v}”`).join(", ")}
          </p>
        )}
        {source.status === "processing" && (
          <div
            className="bg-muted mt-2 h-1.5 w-full max-w-xs overflow-hidden rounded-full"
            role="progressbar"
            aria-label={`Importing ${source.title}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={source.progress}
          >
            <div
              className="bg-primary h-full rounded-full transition-[width] duration-500"
              style={{ width: `${Math.max(4, source.progress)}%` }}
            />
          </div>
        )}
        {source.error && (
          <p
            className={cn(
              "mt-1 flex items-start gap-1.5 text-xs",
              source.status === "failed" ? "text-destructive" : "text-warning",
            )}
          >
            {source.status === "failed" ? (
              <AlertCircleIcon className="mt-px size-3.5 shrink-0" />
            ) : (
              <AlertTriangleIcon className="mt-px size-3.5 shrink-0" />
            )}
            <span className="wrap-anywhere">{source.error}</span>
          </p>
        )}
        {embedding(source) && source.embeddingError && (
          <p className="text-warning mt-1 flex items-start gap-1.5 text-xs">
            <AlertTriangleIcon className="mt-px size-3.5 shrink-0" />
            <span className="break-words">
              Meaning search covers {formatNumber(source.embeddedChunks!)} of {formatNumber(source.chunkCount)} chunks:{" "}
              {source.embeddingError} Retrying automatically; text search answers meanwhile.
            </span>
          </p>
        )}
      </div>
      {canManage && (
        <>
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button
                variant="ghost"
                size="icon"
                className="size-8 shrink-0"
                aria-label={`Actions for ${source.title}`}
                disabled={pending}
              >
                {pending ? <Loader2Icon className="animate-spin" /> : <MoreHorizontalIcon />}
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              {qa ? (
                <DropdownMenuItem disabled={busy} onSelect={() => setEditing(true)}>
                  <PencilIcon /> Edit
                </DropdownMenuItem>
              ) : (
                <DropdownMenuItem disabled={busy} onSelect={() => run(() => resyncSourceAction(botId, source.id))}>
                  <RefreshCwIcon /> Re-sync
                </DropdownMenuItem>
              )}
              <DropdownMenuSeparator />
              <DropdownMenuItem variant="destructive" onSelect={() => setConfirming(true)}>
                <Trash2Icon /> Delete
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
          {qa && (
            <Dialog open={editing} onOpenChange={setEditing}>
              <DialogContent className="max-h-[90svh] overflow-y-auto">
                <DialogHeader>
                  <DialogTitle>Edit Q&amp;A</DialogTitle>
                  <DialogDescription>The bot answers with the new text as soon as you save.</DialogDescription>
                </DialogHeader>
                <CuratedAnswerForm
                  action={editCuratedAnswerAction.bind(null, botId, source.id)}
                  initial={{ question: source.title, answer: source.input ?? "", variants: source.qaVariants ?? [] }}
                  submitLabel="Save"
                  onSaved={() => {
                    setEditing(false);
                    router.refresh();
                  }}
                >
                  <DialogClose asChild>
                    <Button type="button" variant="outline">
                      Cancel
                    </Button>
                  </DialogClose>
                </CuratedAnswerForm>
              </DialogContent>
            </Dialog>
          )}
          <Dialog open={confirming} onOpenChange={setConfirming}>
            <DialogContent>
              <DialogHeader>
                <DialogTitle>Delete “{source.title}”?</DialogTitle>
                <DialogDescription>
                  The bot stops using it at once. Its {formatNumber(source.chunkCount)}{" "}
                  {source.chunkCount === 1 ? "chunk is" : "chunks are"} deleted; you can add the source again later.
                </DialogDescription>
              </DialogHeader>
              <DialogFooter>
                <DialogClose asChild>
                  <Button variant="outline">Cancel</Button>
                </DialogClose>
                <Button
                  variant="destructive"
                  disabled={pending}
                  onClick={() => run(() => deleteSourceAction(botId, source.id))}
                >
                  {pending && <Loader2Icon className="animate-spin" />} Delete source
                </Button>
              </DialogFooter>
            </DialogContent>
          </Dialog>
        </>
      )}
    </li>
  );
}

function StatusBadge({ source }: { source: SourceView }) {
  switch (source.status) {
    case "queued":
      return (
        <Badge variant="outline" className="text-muted-foreground">
          <ClockIcon /> Queued
        </Badge>
      );
    case "processing":
      return (
        <Badge variant="outline" className="text-primary border-primary/30">
          <Loader2Icon className="animate-spin" /> Processing {source.progress}%
        </Badge>
      );
    case "ready":
      return source.error ? (
        <Badge variant="warning">
          <AlertTriangleIcon /> Ready, with warnings
        </Badge>
      ) : (
        <Badge variant="success">
          <CheckCircle2Icon /> Ready
        </Badge>
      );
    case "failed":
      return (
        <Badge variant="destructive">
          <AlertCircleIcon /> Failed
        </Badge>
      );
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

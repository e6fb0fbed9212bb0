"use client";

import { useEffect, useLayoutEffect, useRef } from "react";
import {
  BookOpenIcon,
  BotIcon,
  CheckCheckIcon,
  ClockIcon,
  HeadsetIcon,
  ThumbsDownIcon,
  ThumbsUpIcon,
  UserRoundIcon,
} from "lucide-react";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

/** One message as the transcript shows it (the shape db/queries/inbox.ts returns). */
export type TranscriptMessage = {
  id: string;
  role: "user" | "assistant" | "agent" | "system";
  content: string;
  sources: { title: string }[] | null;
  authorName: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  /** The customer's rating of a bot reply, when they gave one. */
  feedback?: { rating: "up" | "down"; comment: string | null } | null;
};

const timeFormat = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone: "UTC" });

/**
 * The conversation as the team reads it: the customer on the left, the bot and the team on the
 * right, each labelled; bot replies show the knowledge they used, team replies whether the
 * customer's app has fetched them yet. Stays scrolled to the latest message as new ones arrive,
 * unless the reader scrolled up.
 */
export function Transcript({
  messages,
  customer,
  channel,
}: {
  messages: TranscriptMessage[];
  customer: string;
  channel: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  return (
    <div
      ref={scroller}
      className="bg-muted/30 focus-visible:ring-ring/50 flex max-h-[min(65vh,44rem)] min-h-64 flex-col gap-4 overflow-y-auto p-4 outline-none focus-visible:ring-[3px] focus-visible:ring-inset sm:p-5"
      tabIndex={0} // scrollable: reachable and scrollable by keyboard in every browser, not only Chromium
      role="log"
      aria-label="Transcript"
      aria-live="polite"
      data-testid="transcript"
    >
      {messages.length === 0 && <p className="text-muted-foreground m-auto text-sm">No messages yet.</p>}
      {messages.map((m) => (
        <MessageRow key={m.id} message={m} customer={customer} channel={channel} />
      ))}
    </div>
  );
}

function MessageRow({
  message: m,
  customer,
  channel,
}: {
  message: TranscriptMessage;
  customer: string;
  channel: string;
}) {
  const at = new Date(m.createdAt);
  if (m.role === "system") {
    return (
      <p className="text-muted-foreground self-center text-center text-xs" data-role="system">
        {m.content} · <time dateTime={at.toISOString()}>{timeFormat.format(at)}</time>
      </p>
    );
  }
  const mine = m.role !== "user"; // the bot and the team speak for the business
  const who =
    m.role === "user"
      ? { icon: UserRoundIcon, label: customer }
      : m.role === "assistant"
        ? { icon: BotIcon, label: "Bot" }
        : { icon: HeadsetIcon, label: m.authorName ? `${m.authorName} (team)` : "Team" };
  const titles = [...new Set((m.sources ?? []).map((s) => s.title))];
  return (
    <div
      className={cn("flex flex-col gap-1", mine ? "items-end" : "items-start")}
      data-role={m.role}
      data-testid="message"
    >
      <div className="text-muted-foreground flex items-center gap-1.5 px-1 text-[11px]">
        <who.icon className="size-3" />
        <span className="font-medium">{who.label}</span>
        <span aria-hidden>·</span>
        <time dateTime={at.toISOString()} title={formatDateTime(at)}>
          {timeFormat.format(at)}
        </time>
      </div>
      <div
        className={cn(
          "max-w-[85%] rounded-2xl px-3.5 py-2 text-sm leading-relaxed break-words whitespace-pre-wrap",
          m.role === "user" && "bg-background rounded-bl-sm border shadow-xs",
          m.role === "assistant" && "bg-secondary text-secondary-foreground rounded-br-sm border",
          m.role === "agent" && "bg-primary text-primary-foreground rounded-br-sm",
        )}
      >
        {m.content}
      </div>
      {m.role === "assistant" && titles.length > 0 && (
        <div
          className="text-muted-foreground flex max-w-[85%] flex-wrap items-center justify-end gap-1 px-1 text-[11px]"
          aria-label="Knowledge used"
        >
          <BookOpenIcon className="size-3" />
          {titles.map((t) => (
            <span key={t} className="bg-background rounded border px-1.5 py-0.5">
              {t}
            </span>
          ))}
        </div>
      )}
      {m.feedback && <FeedbackNote feedback={m.feedback} />}
      {m.role === "agent" && channel === "api" && (
        <div className="text-muted-foreground flex items-center gap-1 px-1 text-[11px]">
          {m.deliveredAt ? (
            <>
              <CheckCheckIcon className="size-3" /> Delivered to the app
            </>
          ) : (
            <>
              <ClockIcon className="size-3" /> Waiting for the app to fetch it
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** The customer's thumbs up or down on a bot reply, with their comment. */
function FeedbackNote({ feedback }: { feedback: NonNullable<TranscriptMessage["feedback"]> }) {
  const up = feedback.rating === "up";
  const Icon = up ? ThumbsUpIcon : ThumbsDownIcon;
  return (
    <div
      className={cn(
        "flex max-w-[85%] items-start gap-1.5 rounded-md border px-2 py-1 text-xs",
        up
          ? "border-emerald-600/30 bg-emerald-500/10 text-emerald-800 dark:text-emerald-300"
          : "border-destructive/30 bg-destructive/10 text-destructive dark:text-red-300",
      )}
      data-testid="feedback"
      data-rating={feedback.rating}
    >
      <Icon className="mt-0.5 size-3.5 shrink-0" aria-hidden />
      <span>
        <span className="font-medium">{up ? "Customer found this helpful" : "Customer found this unhelpful"}</span>
        {feedback.comment && <span className="text-foreground/80">: “{feedback.comment}”</span>}
      </span>
    </div>
  );
}

"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useId, useState, useTransition } from "react";
import {
  AlarmClockIcon,
  BookOpenIcon,
  CheckCircle2Icon,
  ChevronDownIcon,
  CircleAlertIcon,
  EyeOffIcon,
  Loader2Icon,
  MessageSquareReplyIcon,
  RotateCcwIcon,
} from "lucide-react";
import {
  answerTopicAction,
  dismissTopicAction,
  reopenTopicAction,
  snoozeTopicAction,
  type AnswerTopicState,
} from "@/app/(dashboard)/unanswered/actions";
import { CuratedAnswerFields } from "@/components/bots/curated-answer-form";
import { FormField, FormMessage } from "@/components/form-field";
import { toast } from "@/components/lazy/toast";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/lazy/dropdown-menu";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { UnansweredReason } from "@/db/schema";
import { formatNumber } from "@/lib/format";
import { cn } from "@/lib/utils";
import { idleForm, type ActionResult, type FormState } from "@/lib/validations/form";

type When = { relative: string; exact: string };

/** A topic as the page hands it over (dates already worded on the server). */
export type TopicCardData = {
  id: string;
  label: string;
  botId: string;
  botName: string;
  status: "open" | "dismissed" | "answered";
  snoozedUntil: string | null;
  answerTitle: string | null;
  answerSourceId: string | null;
  count: number;
  conversations: number;
  firstAsked: When;
  lastAsked: When;
  reasons: Record<UnansweredReason, number>;
  questions: {
    id: string;
    conversationId: string;
    text: string;
    reply: string;
    reason: UnansweredReason;
    asked: When;
  }[];
};

const REASON: Record<UnansweredReason, { label: string; plural: string }> = {
  fallback: { label: "Fallback", plural: "fallbacks" },
  low_confidence: { label: "Unsure answer", plural: "unsure answers" },
  thumbs_down: { label: "Rated down", plural: "rated down" },
};

/** Questions shown before "Show more". */
const FIRST_QUESTIONS = 3;

/** One topic of unanswered questions: what was asked, how often and when, and what to do about it. */
export function TopicCard({
  topic,
  canManage,
  showBot,
}: {
  topic: TopicCardData;
  canManage: boolean;
  showBot: boolean;
}) {
  const [mode, setMode] = useState<"idle" | "answer" | "snooze">("idle");
  const titleId = useId();
  const snoozed = topic.status === "open" && topic.snoozedUntil !== null;
  return (
    <article
      aria-labelledby={titleId}
      className="bg-card text-card-foreground rounded-xl border p-4 shadow-sm sm:p-5"
      data-testid="topic"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0 space-y-1.5">
          <h2 id={titleId} className="text-base leading-snug font-semibold wrap-anywhere">
            “{topic.label}”
          </h2>
          <p className="text-muted-foreground flex flex-wrap gap-x-1.5 gap-y-0.5 text-xs">
            <span>
              Asked {topic.count === 1 ? "once" : `${formatNumber(topic.count)} times`}
              {topic.conversations > 1 && ` in ${formatNumber(topic.conversations)} conversations`}
            </span>
            <span aria-hidden>·</span>
            <span title={topic.firstAsked.exact}>first {topic.firstAsked.relative}</span>
            {topic.count > 1 && (
              <>
                <span aria-hidden>·</span>
                <span title={topic.lastAsked.exact}>last {topic.lastAsked.relative}</span>
              </>
            )}
            {showBot && (
              <>
                <span aria-hidden>·</span>
                <span>{topic.botName}</span>
              </>
            )}
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-1.5">
          <Badge variant="secondary" className="tabular-nums" aria-label={`${topic.count} questions`}>
            {formatNumber(topic.count)}×
          </Badge>
          {(Object.keys(REASON) as UnansweredReason[])
            .filter((r) => topic.reasons[r] > 0)
            .map((r) => (
              <Badge key={r} variant={r === "fallback" ? "outline" : "warning"}>
                {topic.reasons[r] === topic.count
                  ? REASON[r].label
                  : `${formatNumber(topic.reasons[r])} ${REASON[r].plural}`}
              </Badge>
            ))}
        </div>
      </div>

      <Questions topic={topic} />

      {topic.status === "answered" && (
        <p className="text-muted-foreground mt-3 flex flex-wrap items-center gap-1.5 text-sm">
          <CheckCircle2Icon className="text-success size-4" />
          {topic.answerSourceId ? (
            <>
              Answered with{" "}
              <Link href={`/bots/${topic.botId}`} className="text-foreground underline-offset-4 hover:underline">
                “{topic.answerTitle}”
              </Link>{" "}
              in {topic.botName}&apos;s knowledge.
            </>
          ) : (
            "Answered. The answer has since been removed from the bot's knowledge."
          )}
        </p>
      )}
      {snoozed && (
        <p className="text-muted-foreground mt-3 flex items-center gap-1.5 text-sm">
          <AlarmClockIcon className="size-4" /> Snoozed until {topic.snoozedUntil}.
        </p>
      )}

      {mode === "answer" && <AnswerForm topic={topic} onCancel={() => setMode("idle")} />}
      {mode === "snooze" && <SnoozeForm topicId={topic.id} onCancel={() => setMode("idle")} />}
      {canManage && mode === "idle" && topic.status !== "answered" && (
        <Actions
          topic={topic}
          snoozed={snoozed}
          onAnswer={() => setMode("answer")}
          onSnooze={() => setMode("snooze")}
        />
      )}
    </article>
  );
}

function Questions({ topic }: { topic: TopicCardData }) {
  const [all, setAll] = useState(false);
  const shown = all ? topic.questions : topic.questions.slice(0, FIRST_QUESTIONS);
  return (
    <div className="mt-3">
      <ul className="divide-y rounded-lg border text-sm" aria-label="Questions asked">
        {shown.map((q) => (
          <li key={q.id} className="flex flex-col gap-1 px-3 py-2 sm:flex-row sm:items-baseline sm:gap-3">
            <div className="min-w-0 flex-1">
              <p className="wrap-anywhere">{q.text}</p>
              {q.reason !== "fallback" && (
                <p className="text-muted-foreground mt-0.5 line-clamp-2 text-xs wrap-anywhere">
                  <span className="font-medium">{REASON[q.reason].label}:</span> {q.reply}
                </p>
              )}
            </div>
            <div className="text-muted-foreground flex shrink-0 items-center gap-2 text-xs">
              <span title={q.asked.exact}>{q.asked.relative}</span>
              <Link
                href={`/conversations/${q.conversationId}`}
                className="text-primary underline-offset-4 hover:underline"
                aria-label={`Open the conversation where “${q.text.slice(0, 60)}” was asked`}
              >
                Conversation
              </Link>
            </div>
          </li>
        ))}
      </ul>
      {topic.questions.length > FIRST_QUESTIONS && (
        <Button variant="link" size="sm" className="mt-1 h-7 px-0" onClick={() => setAll(!all)} aria-expanded={all}>
          <ChevronDownIcon className={cn("transition-transform", all && "rotate-180")} />
          {all ? "Show fewer" : `Show ${formatNumber(topic.questions.length - shown.length)} more`}
        </Button>
      )}
      {all && topic.count > topic.questions.length && (
        <p className="text-muted-foreground text-xs">
          The latest {formatNumber(topic.questions.length)} of {formatNumber(topic.count)} are shown.
        </p>
      )}
    </div>
  );
}

function Actions({
  topic,
  snoozed,
  onAnswer,
  onSnooze,
}: {
  topic: TopicCardData;
  snoozed: boolean;
  onAnswer: () => void;
  onSnooze: () => void;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const run = (action: () => Promise<ActionResult>) =>
    startTransition(async () => {
      const result = await action();
      if (result.status === "saved") toast.success(result.message);
      else toast.error(result.message);
      router.refresh();
    });
  const snoozeFor = (days: number) => {
    const form = new FormData();
    form.set("until", new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10));
    run(() => snoozeTopicAction(topic.id, idleForm, form));
  };
  const label = `“${topic.label.slice(0, 60)}”`;
  return (
    <div className="mt-4 flex flex-wrap items-center gap-2">
      <Button onClick={onAnswer} disabled={pending}>
        <MessageSquareReplyIcon /> Answer this
      </Button>
      {topic.status === "open" && !snoozed ? (
        <>
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" disabled={pending} aria-label={`Snooze ${label}`}>
                <AlarmClockIcon /> Snooze <ChevronDownIcon className="opacity-60" />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="start">
              <DropdownMenuItem onSelect={() => snoozeFor(7)}>For a week</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => snoozeFor(30)}>For a month</DropdownMenuItem>
              <DropdownMenuItem onSelect={onSnooze}>Until a day…</DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
          <Button
            variant="ghost"
            disabled={pending}
            onClick={() => run(() => dismissTopicAction(topic.id))}
            aria-label={`Dismiss ${label}`}
          >
            <EyeOffIcon /> Dismiss
          </Button>
        </>
      ) : (
        <Button variant="outline" disabled={pending} onClick={() => run(() => reopenTopicAction(topic.id))}>
          <RotateCcwIcon /> Back to the list
        </Button>
      )}
      {pending && <Loader2Icon className="text-muted-foreground size-4 animate-spin" aria-label="Saving" />}
    </div>
  );
}

function SnoozeForm({ topicId, onCancel }: { topicId: string; onCancel: () => void }) {
  const router = useRouter();
  const [state, action, pending] = useActionState(async (prev: FormState, form: FormData) => {
    const result = await snoozeTopicAction(topicId, prev, form);
    if (result.status === "saved") {
      toast.success(result.message);
      router.refresh();
    }
    return result;
  }, idleForm);
  const id = useId();
  const [today] = useState(() => Date.now());
  const day = (offset: number) => new Date(today + offset * 86_400_000).toISOString().slice(0, 10);
  return (
    <form action={action} className="bg-muted/40 mt-4 grid gap-3 rounded-lg border p-3 sm:p-4" noValidate>
      <FormField id={`${id}-until`} label="Snooze until" errors={state.fieldErrors?.until}>
        <Input
          id={`${id}-until`}
          name="until"
          type="date"
          min={day(1)}
          max={day(365)}
          defaultValue={state.values?.until ?? day(14)}
          className="w-full sm:w-48"
          aria-invalid={!!state.fieldErrors?.until}
        />
      </FormField>
      <FormMessage state={state.status === "error" && !state.fieldErrors ? state : idleForm} />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />} Snooze
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** "Answer this": the question and the answer; then the topic's questions asked again, with the replies now. */
function AnswerForm({ topic, onCancel }: { topic: TopicCardData; onCancel: () => void }) {
  const router = useRouter();
  const [state, action, pending] = useActionState(
    answerTopicAction.bind(null, topic.id) as (prev: AnswerTopicState, form: FormData) => Promise<AnswerTopicState>,
    idleForm as AnswerTopicState,
  );
  if (state.status === "saved" && state.reasked)
    return <Reasked state={state} botId={topic.botId} onDone={() => router.refresh()} />;
  return (
    <form action={action} className="bg-muted/40 mt-4 grid gap-4 rounded-lg border p-3 sm:p-4" noValidate>
      <FormMessage state={state.status === "error" && !state.fieldErrors ? state : idleForm} />
      <CuratedAnswerFields
        errors={state.fieldErrors ?? {}}
        values={state.values ?? {}}
        initial={{ question: topic.label }}
        variants={false}
        focusAnswer
        hints={{
          question:
            topic.questions.length > 1
              ? "The other wordings above are kept with it, so customers who ask that way get this answer too."
              : "Word it the way customers ask.",
          answer: `What the bot should say. Added to ${topic.botName}'s knowledge as a Q&A entry you can edit there.`,
        }}
      />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />}
          {pending ? "Saving and asking again…" : "Save answer"}
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function Reasked({ state, botId, onDone }: { state: AnswerTopicState; botId: string; onDone: () => void }) {
  const reasked = state.reasked ?? [];
  return (
    <section
      className="border-success/40 bg-success/5 mt-4 grid gap-3 rounded-lg border p-3 sm:p-4"
      aria-label="The questions asked again"
      data-testid="reasked"
    >
      <p role="status" className="text-sm font-medium">
        {state.message}
      </p>
      <ul className="grid gap-2">
        {reasked.map((r) => (
          <li key={r.question} className="bg-background rounded-md border p-3 text-sm" data-testid="reasked-question">
            <p className="font-medium wrap-anywhere">{r.question}</p>
            <p className="text-muted-foreground mt-1 wrap-anywhere whitespace-pre-line" data-testid="reasked-reply">
              {r.reply}
            </p>
            <p
              className={cn(
                "mt-1.5 flex items-center gap-1 text-xs font-medium",
                r.fromAnswer ? "text-emerald-700 dark:text-success" : "text-amber-700 dark:text-warning",
              )}
            >
              {r.fromAnswer ? (
                <>
                  <CheckCircle2Icon className="size-3.5" /> Answered with your answer
                </>
              ) : (
                <>
                  <CircleAlertIcon className="size-3.5" /> Not answered with it: add this wording to the entry in the
                  bot&apos;s knowledge
                </>
              )}
            </p>
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button onClick={onDone}>Done</Button>
        <Button variant="outline" asChild>
          <Link href={`/bots/${botId}`}>
            <BookOpenIcon /> Open the bot&apos;s knowledge
          </Link>
        </Button>
      </div>
    </section>
  );
}

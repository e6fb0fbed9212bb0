"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { BookOpenIcon, Loader2Icon, MessageSquarePlusIcon, SendIcon } from "lucide-react";
import { sendTestMessageAction } from "@/app/(dashboard)/bots/actions";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Textarea } from "@/components/ui/textarea";
import { cn } from "@/lib/utils";
import { MAX_MESSAGE_CHARS } from "@/lib/validations/limits";

type Message =
  | { role: "user"; text: string }
  | {
      role: "bot";
      text: string;
      engine?: "builtin" | "llm";
      kind?: "answer" | "greeting" | "thanks" | "fallback" | "smalltalk";
      latencyMs?: number;
      sources?: { sourceId: string; title: string; heading: string }[];
    }
  | { role: "error"; text: string };

const ENGINE_LABEL = { builtin: "Built-in engine", llm: "Model" } as const;

/** Talks to the bot through the same pipeline as the Chat API, memory included; each reply shows the knowledge it used. */
export function TestChat({
  botId,
  welcomeMessage,
  canChat,
  className,
}: {
  botId: string;
  welcomeMessage: string;
  canChat: boolean;
  className?: string;
}) {
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState("");
  const [pending, startTransition] = useTransition();
  const scroller = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    scroller.current?.scrollTo({ top: scroller.current.scrollHeight, behavior: "smooth" });
  }, [messages, pending]);

  function send() {
    const text = draft.trim();
    if (!text || pending) return;
    setMessages((all) => [...all, { role: "user", text }]);
    setDraft("");
    startTransition(async () => {
      try {
        const result = await sendTestMessageAction(botId, { conversationId, message: text });
        if (result.status === "saved" && result.answer) {
          const value = result.answer;
          setConversationId(value.conversationId);
          setMessages((all) => [
            ...all,
            {
              role: "bot",
              text: value.reply,
              engine: value.engine,
              kind: value.kind,
              latencyMs: value.latencyMs,
              sources: value.sources,
            },
          ]);
        } else {
          if (result.code === "conversation_not_found") setConversationId(null);
          setMessages((all) => [...all, { role: "error", text: result.message ?? "The message could not be sent." }]);
          setDraft((current) => current || text); // keep what was typed so it can be sent again
        }
      } catch {
        setMessages((all) => [
          ...all,
          { role: "error", text: "The message could not be sent. Check your connection and try again." },
        ]);
        setDraft((current) => current || text);
      }
      input.current?.focus();
    });
  }

  function reset() {
    setConversationId(null);
    setMessages([]);
    setDraft("");
    input.current?.focus();
  }

  return (
    <Card role="region" aria-label="Test chat" className={cn("gap-0 overflow-hidden py-0", className)}>
      <CardHeader className="border-b py-4">
        <CardTitle>Test chat</CardTitle>
        <CardDescription>Ask what your customers would. Same knowledge, engine and memory as the API.</CardDescription>
        <CardAction>
          <Button
            variant="outline"
            size="sm"
            title="New conversation"
            onClick={reset}
            disabled={pending || (messages.length === 0 && !conversationId)}
          >
            <MessageSquarePlusIcon />
            <span className="sr-only sm:not-sr-only xl:sr-only 2xl:not-sr-only">New conversation</span>
          </Button>
        </CardAction>
      </CardHeader>
      <div
        ref={scroller}
        className="bg-muted/30 focus-visible:ring-ring/50 flex min-h-72 flex-1 flex-col gap-3 overflow-y-auto p-4 outline-none focus-visible:ring-[3px] focus-visible:ring-inset"
        tabIndex={0} // scrollable: reachable and scrollable by keyboard in every browser
        aria-live="polite"
        aria-label="Test chat messages"
        role="log"
      >
        <Bubble role="bot">{welcomeMessage}</Bubble>
        {messages.map((m, i) =>
          m.role === "error" ? (
            <p
              key={i}
              role="alert"
              className="bg-destructive/10 text-destructive self-center rounded-md px-3 py-2 text-center text-xs"
            >
              {m.text}
            </p>
          ) : (
            <div key={i} className={cn("flex flex-col gap-1", m.role === "user" ? "items-end" : "items-start")}>
              <Bubble role={m.role}>{m.text}</Bubble>
              {m.role === "bot" && <ReplyDetails message={m} />}
            </div>
          ),
        )}
        {pending && (
          <div className="text-muted-foreground flex items-center gap-2 text-xs">
            <Loader2Icon className="size-3.5 animate-spin" /> Thinking…
          </div>
        )}
      </div>
      <form
        className="flex items-end gap-2 border-t p-3"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label htmlFor={`test-chat-${botId}`} className="sr-only">
          Message
        </label>
        <Textarea
          ref={input}
          id={`test-chat-${botId}`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          rows={1}
          maxLength={MAX_MESSAGE_CHARS}
          placeholder={canChat ? "Type a question…" : "Your role cannot use the test chat."}
          disabled={!canChat}
          className="max-h-36 min-h-9 resize-none"
        />
        <Button type="submit" size="icon" disabled={!canChat || pending || !draft.trim()} aria-label="Send">
          {pending ? <Loader2Icon className="animate-spin" /> : <SendIcon />}
        </Button>
      </form>
    </Card>
  );
}

function Bubble({ role, children }: { role: "user" | "bot"; children: React.ReactNode }) {
  return (
    <div
      className={cn(
        "max-w-[85%] rounded-2xl px-3.5 py-2 text-sm leading-relaxed break-words whitespace-pre-wrap",
        role === "user"
          ? "bg-primary text-primary-foreground rounded-br-sm"
          : "bg-background rounded-bl-sm border shadow-xs",
      )}
      data-role={role}
    >
      {children}
    </div>
  );
}

function ReplyDetails({ message }: { message: Extract<Message, { role: "bot" }> }) {
  const sources = message.sources ?? [];
  return (
    <div className="text-muted-foreground grid max-w-[85%] gap-1 px-1 text-[11px]">
      <span>
        {message.engine ? ENGINE_LABEL[message.engine] : null}
        {message.latencyMs !== undefined && ` · ${message.latencyMs} ms`}
        {message.kind === "fallback" && " · nothing relevant in the knowledge, so the fallback message"}
      </span>
      {sources.length > 0 && (
        <span className="flex flex-wrap items-center gap-1" aria-label="Knowledge used">
          <BookOpenIcon className="size-3 shrink-0" aria-hidden />
          {sources.map((s, i) => (
            <span
              key={`${s.sourceId}-${i}`}
              className="bg-background max-w-full truncate rounded border px-1.5 py-0.5"
              title={s.heading ? `${s.title} › ${s.heading}` : s.title}
            >
              {s.title}
              {s.heading && s.heading !== s.title && <span className="opacity-70"> › {s.heading}</span>}
            </span>
          ))}
        </span>
      )}
    </div>
  );
}

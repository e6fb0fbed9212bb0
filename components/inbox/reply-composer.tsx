"use client";

import { useRef, useState, useTransition } from "react";
import { Loader2Icon, SendIcon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { replyAction } from "@/app/(dashboard)/conversations/actions";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { MAX_MESSAGE_CHARS } from "@/lib/validations/limits";

/** The team member's reply box: Enter sends, Shift+Enter starts a new line; what was typed stays if sending fails. */
export function ReplyComposer({ conversationId, takesOver }: { conversationId: string; takesOver: boolean }) {
  const [draft, setDraft] = useState("");
  const [pending, start] = useTransition();
  const input = useRef<HTMLTextAreaElement>(null);

  function send() {
    const text = draft.trim();
    if (!text || pending) return;
    start(async () => {
      try {
        const result = await replyAction(conversationId, text);
        if (result.status === "saved") setDraft((current) => (current.trim() === text ? "" : current));
        else toast.error(result.message);
      } catch {
        toast.error("The reply could not be sent. Check your connection and try again.");
      }
      input.current?.focus();
    });
  }

  return (
    <form
      className="grid gap-2 border-t p-3 sm:p-4"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="reply" className="sr-only">
        Reply as a team member
      </label>
      <div className="flex items-end gap-2">
        <Textarea
          ref={input}
          id="reply"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          rows={2}
          maxLength={MAX_MESSAGE_CHARS}
          placeholder="Write a reply…"
          className="max-h-48 min-h-16 resize-none"
          aria-describedby="reply-hint"
        />
        <Button type="submit" disabled={pending || !draft.trim()} aria-label="Send reply">
          {pending ? <Loader2Icon className="animate-spin" /> : <SendIcon />}
          <span className="hidden sm:inline">Send</span>
        </Button>
      </div>
      <p id="reply-hint" className="text-muted-foreground text-xs">
        Enter to send, Shift+Enter for a new line.
        {takesOver ? " Sending takes the conversation over: the bot stays silent until you return it." : ""}
      </p>
    </form>
  );
}

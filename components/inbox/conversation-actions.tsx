"use client";

import { useTransition } from "react";
import { BotIcon, CheckIcon, HeadsetIcon, Loader2Icon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { resolveAction, returnToBotAction, takeOverAction } from "@/app/(dashboard)/conversations/actions";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/validations/form";

type Status = "bot" | "handoff_requested" | "human_active" | "resolved";

const EXPLAIN: Record<Status, string> = {
  handoff_requested: "The customer asked for a person. The bot stays silent until someone takes over or returns it.",
  human_active:
    "A team member has this conversation. The bot stays silent; the customer's messages wait here for a reply.",
  bot: "The bot is answering. Take over to reply yourself; the bot stops until you return it.",
  resolved: "Resolved. If the customer writes again, the bot answers.",
};

/** Take over, return to bot, resolve: what fits the conversation's state. */
export function ConversationActions({
  conversationId,
  status,
  assignedToMe,
  assignedUserName,
}: {
  conversationId: string;
  status: Status;
  assignedToMe: boolean;
  assignedUserName: string | null;
}) {
  const [pending, start] = useTransition();

  function run(action: (id: string) => Promise<ActionResult>, done: string) {
    start(async () => {
      try {
        const result = await action(conversationId);
        if (result.status === "saved") toast.success(done);
        else toast.error(result.message);
      } catch {
        toast.error("That did not work. Check your connection and try again.");
      }
    });
  }

  const canTakeOver = status !== "human_active" || !assignedToMe;
  const withTeam = status === "handoff_requested" || status === "human_active";
  return (
    <div className="grid gap-3">
      <p className="text-muted-foreground text-sm">
        {status === "human_active" && assignedUserName && !assignedToMe
          ? `${assignedUserName} has this conversation. `
          : null}
        {EXPLAIN[status]}
      </p>
      <div className="flex flex-wrap gap-2">
        {canTakeOver && (
          <Button
            size="sm"
            disabled={pending}
            onClick={() => run(takeOverAction, "You have this conversation now. The bot is silent.")}
          >
            {pending ? <Loader2Icon className="animate-spin" /> : <HeadsetIcon />}{" "}
            {status === "human_active" ? "Take over from them" : "Take over"}
          </Button>
        )}
        {withTeam && (
          <Button
            size="sm"
            variant="outline"
            disabled={pending}
            onClick={() => run(returnToBotAction, "Returned to the bot. It answers the next message.")}
          >
            <BotIcon /> Return to bot
          </Button>
        )}
        {status !== "resolved" && (
          <Button
            size="sm"
            variant="outline"
            disabled={pending}
            onClick={() => run(resolveAction, "Conversation resolved.")}
          >
            <CheckIcon /> Resolve
          </Button>
        )}
      </div>
    </div>
  );
}

"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Trash2Icon } from "lucide-react";
import { deleteBotAction } from "@/app/(dashboard)/bots/actions";
import { ConfirmByName } from "@/components/confirm-by-name";
import { FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/lazy/dialog";
import { formatNumber } from "@/lib/format";
import type { FormState } from "@/lib/validations/form";

export type DeletionImpact = {
  liveIntegrations: { id: string; name: string }[];
  sources: number;
  testConversations: number;
  /** Conversations of integrations deleted earlier that still belong to this bot. */
  apiConversations: number;
};

const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** The danger zone of a bot: deletion, refused (with the way out) while an integration still uses it. */
export function DeleteBot({ botId, name, impact }: { botId: string; name: string; impact: DeletionImpact }) {
  const inUse = impact.liveIntegrations.length > 0;
  return (
    <div className="border-destructive/40 flex flex-col gap-3 rounded-xl border p-5 sm:flex-row sm:items-center sm:justify-between">
      <div>
        <h3 className="font-medium">Delete bot</h3>
        <p className="text-muted-foreground text-sm">
          {inUse
            ? `It answers for ${plural(impact.liveIntegrations.length, "integration", "integrations")}; delete ${
                impact.liveIntegrations.length === 1 ? "that integration" : "those integrations"
              } first.`
            : "Deletes the bot with its knowledge and its test conversations."}
        </p>
      </div>
      <DeleteDialog botId={botId} name={name} impact={impact} />
    </div>
  );
}

function DeleteDialog({ botId, name, impact }: { botId: string; name: string; impact: DeletionImpact }) {
  const [state, action, pending] = useActionState<FormState, FormData>(deleteBotAction.bind(null, botId), {
    status: "idle",
  });
  const inUse = impact.liveIntegrations.length > 0;

  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="destructive">
          <Trash2Icon /> Delete
        </Button>
      </DialogTrigger>
      <DialogContent>
        {inUse ? (
          <>
            <DialogHeader>
              <DialogTitle>“{name}” can’t be deleted yet</DialogTitle>
              <DialogDescription>
                It answers the messages of{" "}
                {impact.liveIntegrations.length === 1 ? "this integration" : "these integrations"}. Delete{" "}
                {impact.liveIntegrations.length === 1 ? "it" : "them"} first, so nothing that calls the API suddenly
                loses its bot.
              </DialogDescription>
            </DialogHeader>
            <ul className="grid gap-1 text-sm">
              {impact.liveIntegrations.map((i) => (
                <li key={i.id}>
                  <Link href={`/integrations/${i.id}`} className="text-primary underline-offset-4 hover:underline">
                    {i.name}
                  </Link>
                </li>
              ))}
            </ul>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="outline">Close</Button>
              </DialogClose>
            </DialogFooter>
          </>
        ) : (
          <form action={action} className="grid gap-4">
            <DialogHeader>
              <DialogTitle>Delete “{name}”?</DialogTitle>
              <DialogDescription asChild>
                <div className="grid gap-2">
                  <p>This cannot be undone. Deleted with it:</p>
                  <ul className="list-disc space-y-1 pl-5">
                    <li>
                      {plural(impact.sources, "knowledge source", "knowledge sources")} and everything imported from
                      them;
                    </li>
                    <li>
                      {plural(impact.testConversations, "test conversation", "test conversations")} from the test chat;
                    </li>
                    {impact.apiConversations > 0 && (
                      <li>
                        {plural(impact.apiConversations, "conversation", "conversations")} of integrations you deleted
                        earlier that used this bot, with those integrations&apos; records.
                      </li>
                    )}
                  </ul>
                </div>
              </DialogDescription>
            </DialogHeader>
            <FormMessage state={state.status === "error" && !state.fieldErrors ? state : { status: "idle" }} />
            <ConfirmByName id="confirm-bot-name" name={name} errors={state.fieldErrors?.confirm} pending={pending}>
              Delete bot
            </ConfirmByName>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Loader2Icon } from "lucide-react";
import { createIntegrationAction, type KeyRevealState } from "@/app/(dashboard)/integrations/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { BotSelect } from "@/components/integrations/bot-select";
import { stashRevealedKey } from "@/components/integrations/reveal-store";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

export function CreateIntegrationForm({ bots }: { bots: { id: string; name: string }[] }) {
  const router = useRouter();
  const [state, action, pending] = useActionState<KeyRevealState, FormData>(createIntegrationAction, {
    status: "idle",
  });
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};

  useEffect(() => {
    if (state.status === "saved" && state.integrationId && state.apiKey) {
      stashRevealedKey(state.integrationId, state.apiKey);
      router.push(`/integrations/${state.integrationId}`);
    }
  }, [state, router]);

  return (
    <form action={action} className="grid max-w-lg gap-5" noValidate>
      <FormMessage state={state.status === "error" ? state : { status: "idle" }} />
      <FormField
        id="name"
        label="Name"
        hint="For you and your team, e.g. “Website chat” or “Mobile app”."
        errors={e.name}
      >
        <Input id="name" name="name" maxLength={100} defaultValue={v.name} aria-invalid={!!e.name} required autoFocus />
      </FormField>
      <FormField
        id="botId"
        label="Bot"
        hint={bots.length ? "The bot that answers this integration's messages." : undefined}
        errors={e.botId}
      >
        <BotSelect bots={bots} defaultValue={v.botId} invalid={!!e.botId} />
      </FormField>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending || bots.length === 0}>
          {pending && <Loader2Icon className="animate-spin" />} Create integration
        </Button>
        <Button type="button" variant="ghost" asChild>
          <Link href="/integrations/new">Back</Link>
        </Button>
      </div>
    </form>
  );
}

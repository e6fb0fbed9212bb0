"use client";

import { useActionState, useState } from "react";
import { Loader2Icon, PlusIcon } from "lucide-react";
import { createBotAction } from "@/app/(dashboard)/bots/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/lazy/dialog";
import { Input } from "@/components/ui/input";
import { idleForm } from "@/lib/validations/form";

/** "New bot": asks for a name only; the bot starts with sensible messages and the built-in engine. */
export function CreateBotDialog({ label = "New bot" }: { label?: string }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(createBotAction, idleForm);
  const errors = state.fieldErrors ?? {};
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <PlusIcon /> {label}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form action={action} className="grid gap-4" noValidate>
          <DialogHeader>
            <DialogTitle>Create a bot</DialogTitle>
            <DialogDescription>
              Give it a name your team will recognise. Next you add what it should know: text, files or web pages.
            </DialogDescription>
          </DialogHeader>
          <FormMessage state={state.status === "error" && !state.fieldErrors ? state : idleForm} />
          <FormField
            id="bot-name"
            label="Name"
            hint="For example “Website support” or “Sales assistant”."
            errors={errors.name}
          >
            <Input
              id="bot-name"
              name="name"
              autoComplete="off"
              maxLength={80}
              defaultValue={state.values?.name}
              aria-invalid={!!errors.name}
              autoFocus
              required
            />
          </FormField>
          <DialogFooter>
            <Button type="submit" disabled={pending}>
              {pending && <Loader2Icon className="animate-spin" />} Create bot
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

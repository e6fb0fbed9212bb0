"use client";

import { useActionState, useEffect, useId, useRef } from "react";
import { Loader2Icon } from "lucide-react";
import { FormField, FormMessage } from "@/components/form-field";
import { toast } from "@/components/lazy/toast";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { idleForm, type FormState } from "@/lib/validations/form";
import { MAX_QA_ANSWER_CHARS, MAX_QA_QUESTION_CHARS, MAX_QA_VARIANTS } from "@/lib/validations/limits";

/**
 * A Q&A entry's form (adding one on the knowledge tab, editing one from the sources list): the question, the
 * answer, and other ways customers ask it, one a line. Errors show next to their field; what was typed stays.
 */
export function CuratedAnswerForm({
  action: serverAction,
  initial,
  submitLabel,
  onSaved,
  children,
}: {
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  initial?: { question: string; answer: string; variants: string[] };
  submitLabel: string;
  onSaved?: () => void;
  /** Extra buttons beside the submit button (Cancel in a dialog). */
  children?: React.ReactNode;
}) {
  const [state, action, pending] = useActionState(serverAction, idleForm);
  const form = useRef<HTMLFormElement>(null);
  const handled = useRef<FormState>(state);
  useEffect(() => {
    if (state.status !== "saved" || handled.current === state) return; // each save once
    handled.current = state;
    toast.success(state.message);
    if (!initial) form.current?.reset();
    onSaved?.();
  }, [state, initial, onSaved]);
  const values = state.status === "error" ? (state.values ?? {}) : {};
  return (
    <form ref={form} action={action} className="grid gap-4" noValidate>
      <FormMessage state={state.status === "error" && !state.fieldErrors ? state : idleForm} />
      <CuratedAnswerFields errors={state.fieldErrors ?? {}} values={values} initial={initial} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />} {submitLabel}
        </Button>
        {children}
      </div>
    </form>
  );
}

/**
 * The fields of a Q&A entry: question, answer and (unless `variants` is false) its other phrasings, with the
 * errors of the last attempt and what was typed (`values`) before `initial`.
 */
export function CuratedAnswerFields({
  errors,
  values,
  initial,
  hints = {},
  variants = true,
  focusAnswer = false,
}: {
  errors: Record<string, string[] | undefined>;
  values: Record<string, string>;
  initial?: { question?: string; answer?: string; variants?: string[] };
  hints?: { question?: string; answer?: string };
  variants?: boolean;
  focusAnswer?: boolean;
}) {
  const id = useId();
  return (
    <>
      <FormField
        id={`${id}-question`}
        label="Question"
        hint={hints.question ?? "As customers ask it."}
        errors={errors.question}
      >
        <Input
          id={`${id}-question`}
          name="question"
          maxLength={MAX_QA_QUESTION_CHARS}
          placeholder="Do you sell gift cards?"
          defaultValue={values.question ?? initial?.question}
          aria-invalid={!!errors.question}
        />
      </FormField>
      <FormField
        id={`${id}-answer`}
        label="Answer"
        hint={hints.answer ?? "What the bot says to it."}
        errors={errors.answer}
      >
        <Textarea
          id={`${id}-answer`}
          name="answer"
          rows={4}
          maxLength={MAX_QA_ANSWER_CHARS}
          className="max-h-72 min-h-24"
          defaultValue={values.answer ?? initial?.answer}
          aria-invalid={!!errors.answer}
          autoFocus={focusAnswer}
        />
      </FormField>
      {variants && (
        <FormField
          id={`${id}-variants`}
          label="Other ways customers ask it"
          hint={`Optional, one a line (up to ${MAX_QA_VARIANTS}). They get the same answer.`}
          errors={errors.variants}
        >
          <Textarea
            id={`${id}-variants`}
            name="variants"
            rows={3}
            className="max-h-56 min-h-20"
            placeholder={"Can I buy a gift voucher?\nGift cards available?"}
            defaultValue={values.variants ?? initial?.variants?.join("\n")}
            aria-invalid={!!errors.variants}
          />
        </FormField>
      )}
    </>
  );
}

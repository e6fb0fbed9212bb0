"use client";

import { useActionState, useRef } from "react";
import { FileUpIcon, GlobeIcon, Loader2Icon, MessageSquareQuoteIcon, TextIcon } from "lucide-react";
import { usePreloadWhenIdle } from "@/components/lazy/defer";
import { addCuratedAnswerAction, addTextSourceAction } from "@/app/(dashboard)/bots/actions";
import { CuratedAnswerForm, FileUpload, knowledgeForms, UrlSourceForm } from "@/components/bots/lazy-knowledge-forms";
import { useSaved } from "@/components/bots/use-saved";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import { MAX_PASTED_CHARS } from "@/lib/validations/limits";
import { idleForm } from "@/lib/validations/form";

/** The ways to add knowledge: paste text, upload files, import web pages, write a question and its answer. */
export function AddKnowledge({ botId }: { botId: string }) {
  usePreloadWhenIdle(knowledgeForms);
  return (
    <Tabs defaultValue="text" className="gap-4">
      <TabsList className="w-full max-sm:grid max-sm:h-auto max-sm:grid-cols-2 sm:w-fit [&_svg]:size-4 max-sm:[&_svg]:hidden">
        <TabsTrigger value="text">
          <TextIcon /> Paste text
        </TabsTrigger>
        <TabsTrigger value="file">
          <FileUpIcon /> Upload files
        </TabsTrigger>
        <TabsTrigger value="url">
          <GlobeIcon /> Website
        </TabsTrigger>
        <TabsTrigger value="qa">
          <MessageSquareQuoteIcon /> Q&amp;A
        </TabsTrigger>
      </TabsList>
      <TabsContent value="text">
        <TextSourceForm botId={botId} />
      </TabsContent>
      <TabsContent value="file">
        <FileUpload botId={botId} fallback={<Skeleton className="h-[10rem]" />} />
      </TabsContent>
      <TabsContent value="url">
        <UrlSourceForm botId={botId} fallback={<Skeleton className="h-[22.25rem]" />} />
      </TabsContent>
      <TabsContent value="qa">
        <CuratedAnswerForm
          action={addCuratedAnswerAction.bind(null, botId)}
          submitLabel="Add Q&A"
          fallback={<Skeleton className="h-[27rem]" />}
        />
      </TabsContent>
    </Tabs>
  );
}

function TextSourceForm({ botId }: { botId: string }) {
  const [state, action, pending] = useActionState(addTextSourceAction.bind(null, botId), idleForm);
  const form = useRef<HTMLFormElement>(null);
  useSaved(state, form);
  const errors = state.fieldErrors ?? {};
  const values = state.status === "error" ? (state.values ?? {}) : {};
  return (
    <form ref={form} action={action} className="grid gap-4" noValidate>
      <FormMessage state={state.status === "error" && !state.fieldErrors ? state : idleForm} />
      <FormField
        id="source-title"
        label="Title"
        hint="Shown as the source of answers, e.g. “Return policy”."
        errors={errors.title}
      >
        <Input
          id="source-title"
          name="title"
          maxLength={200}
          defaultValue={values.title}
          aria-invalid={!!errors.title}
        />
      </FormField>
      <FormField
        id="source-text"
        label="Text"
        hint={`Markdown headings (#, ##) are kept as sections. Up to ${MAX_PASTED_CHARS.toLocaleString("en-US")} characters.`}
        errors={errors.text}
      >
        <Textarea
          id="source-text"
          name="text"
          rows={8}
          className="max-h-96 min-h-40"
          placeholder={"# Opening hours\nWe are open Monday to Friday, 9am to 5pm…"}
          defaultValue={values.text}
          aria-invalid={!!errors.text}
        />
      </FormField>
      <div>
        <Button type="submit" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />} Add text
        </Button>
      </div>
    </form>
  );
}

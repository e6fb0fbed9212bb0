"use client";

import { useState } from "react";
import { SparklesIcon, TextQuoteIcon } from "lucide-react";
import { updateBotAction } from "@/app/(dashboard)/bots/actions";
import { FormField } from "@/components/form-field";
import { SettingsForm, useSettingsForm } from "@/components/settings-form";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { BOT_LANGUAGES } from "@/lib/validations/bot-languages";
import { cn } from "@/lib/utils";

export type BotSettingsView = {
  id: string;
  name: string;
  instructions: string;
  welcomeMessage: string;
  fallbackMessage: string;
  engine: "builtin" | "llm";
  language: string;
  customerWords: string;
};

/** The configured model, as shown to admins (never the key). */
export type ModelInfo = { model: string; host: string } | null;

export function BotSettingsForm({
  bot,
  model,
  canManage,
  workspaceName,
}: {
  workspaceName: string;
  bot: BotSettingsView;
  model: ModelInfo;
  canManage: boolean;
}) {
  const form = useSettingsForm(updateBotAction.bind(null, bot.id));
  const { state, errors } = form;
  // After a save or a refused save, show what was submitted; before any, the stored settings.
  const v = state.values ?? {
    name: bot.name,
    instructions: bot.instructions,
    welcomeMessage: bot.welcomeMessage,
    fallbackMessage: bot.fallbackMessage,
    engine: bot.engine,
    language: bot.language,
    customerWords: bot.customerWords,
  };
  const [engine, setEngine] = useState(v.engine === "llm" ? "llm" : "builtin");
  const disabled = !canManage;

  return (
    <SettingsForm form={form} canManage={canManage} submitLabel="Save settings" className="grid gap-5">
      <FormField id="bot-settings-name" label="Name" errors={errors.name}>
        <Input
          id="bot-settings-name"
          name="name"
          maxLength={80}
          defaultValue={v.name}
          aria-invalid={!!errors.name}
          disabled={disabled}
        />
      </FormField>

      <fieldset className="grid gap-2" disabled={disabled}>
        <legend className="mb-2 text-sm leading-none font-medium">Answer engine</legend>
        <div className="grid gap-2 md:grid-cols-2">
          <EngineOption
            value="builtin"
            checked={engine === "builtin"}
            onChange={setEngine}
            icon={TextQuoteIcon}
            title="Built-in"
            description="Quotes the most relevant sentences of your knowledge base, word for word. Works without a model; nothing leaves your server."
          />
          <EngineOption
            value="llm"
            checked={engine === "llm"}
            onChange={setEngine}
            icon={SparklesIcon}
            title="Model"
            unavailable={!model}
            description={
              model ? (
                <>
                  Writes conversational replies from your knowledge with{" "}
                  <strong className="font-medium">{model.model}</strong> at {model.host}.
                </>
              ) : (
                "Conversational replies written by a language model from your knowledge. No model is configured on this server."
              )
            }
          />
        </div>
        {errors.engine?.map((e) => (
          <p key={e} className="text-destructive text-xs font-medium" role="alert">
            {e}
          </p>
        ))}
      </fieldset>
      {!model && (
        <Alert>
          <TextQuoteIcon />
          <AlertTitle className="line-clamp-none">This bot quotes your knowledge base</AlertTitle>
          <AlertDescription>
            <p>
              No model is connected, so the built-in engine answers: it picks the best sentences from your knowledge and
              greets and thanks people, but it does not write new text. Connecting a model makes replies conversational:
              set <code className="font-mono text-xs">LLM_BASE_URL</code> and{" "}
              <code className="font-mono text-xs">LLM_MODEL</code> (and{" "}
              <code className="font-mono text-xs">LLM_API_KEY</code> if your provider needs one) on the server, restart,
              and choose Model here. Any OpenAI-compatible endpoint works: a hosted provider, Ollama or llama.cpp.
            </p>
          </AlertDescription>
        </Alert>
      )}
      {model === null && engine === "llm" && (
        <p className="text-warning text-sm">
          Until a model is configured, this bot keeps answering with the built-in engine.
        </p>
      )}

      <FormField
        id="bot-settings-instructions"
        label="Instructions"
        hint="How the bot behaves: tone, what it must not do, when to suggest contacting your team. The model follows them; the built-in engine does not use them. Put facts in the knowledge base, not here."
        errors={errors.instructions}
      >
        <Textarea
          id="bot-settings-instructions"
          name="instructions"
          rows={5}
          className="max-h-80"
          placeholder={`You are the friendly support assistant of ${workspaceName}. Keep answers short…`}
          defaultValue={v.instructions}
          aria-invalid={!!errors.instructions}
          disabled={disabled}
        />
      </FormField>
      <FormField
        id="bot-settings-welcome"
        label="Welcome message"
        hint="The first thing the bot says, and its reply to a greeting."
        errors={errors.welcomeMessage}
      >
        <Textarea
          id="bot-settings-welcome"
          name="welcomeMessage"
          rows={2}
          defaultValue={v.welcomeMessage}
          aria-invalid={!!errors.welcomeMessage}
          disabled={disabled}
        />
      </FormField>
      <FormField
        id="bot-settings-fallback"
        label="Fallback message"
        hint="What the bot says when its knowledge has no answer. Tell people how else to reach you."
        errors={errors.fallbackMessage}
      >
        <Textarea
          id="bot-settings-fallback"
          name="fallbackMessage"
          rows={2}
          defaultValue={v.fallbackMessage}
          aria-invalid={!!errors.fallbackMessage}
          disabled={disabled}
        />
      </FormField>
      <FormField
        id="bot-settings-language"
        label="Language"
        hint="Each source and question is read in its own language. A question too short to tell (“prices?”) is taken to be in this one; Automatic uses your knowledge's main language."
        errors={errors.language}
      >
        <NativeSelect
          // React ignores a select's new defaultValue, and resets the form after each save: remount with what was sent.
          key={v.language ?? "stored"}
          id="bot-settings-language"
          name="language"
          defaultValue={v.language ?? "auto"}
          aria-invalid={!!errors.language}
          disabled={disabled}
        >
          <option value="auto">Automatic</option>
          {BOT_LANGUAGES.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </NativeSelect>
      </FormField>
      <FormField
        id="bot-settings-customer-words"
        label="Words your customers use"
        hint="One per line: what customers say, then “=”, then the word your knowledge uses. A question with the words on the left also searches for the word on the right. Typos and common synonyms are handled already; add what is particular to your business."
        errors={errors.customerWords}
      >
        <Textarea
          id="bot-settings-customer-words"
          name="customerWords"
          rows={4}
          className="max-h-80 font-mono text-sm"
          placeholder={"money back = refund\nkeys, fob = access card"}
          defaultValue={v.customerWords}
          aria-invalid={!!errors.customerWords}
          disabled={disabled}
        />
      </FormField>
    </SettingsForm>
  );
}

function EngineOption({
  value,
  checked,
  onChange,
  icon: Icon,
  title,
  description,
  unavailable = false,
}: {
  value: "builtin" | "llm";
  checked: boolean;
  onChange: (value: "builtin" | "llm") => void;
  icon: React.ComponentType<{ className?: string }>;
  title: string;
  description: React.ReactNode;
  unavailable?: boolean;
}) {
  return (
    <label
      className={cn(
        "flex items-start gap-3 rounded-lg border p-3 text-sm transition-colors",
        checked ? "border-primary bg-primary/5" : "hover:bg-muted/50",
        unavailable && !checked ? "cursor-not-allowed opacity-60 hover:bg-transparent" : "cursor-pointer",
      )}
    >
      <input
        type="radio"
        name="engine"
        value={value}
        checked={checked}
        disabled={unavailable && !checked}
        onChange={() => onChange(value)}
        className="accent-primary mt-0.5"
      />
      <span className="grid gap-1">
        <span className="flex items-center gap-1.5 font-medium">
          <Icon className="text-muted-foreground size-4" /> {title}
          {unavailable && <span className="text-muted-foreground text-xs font-normal">· not configured</span>}
        </span>
        <span className="text-muted-foreground text-xs leading-relaxed">{description}</span>
      </span>
    </label>
  );
}

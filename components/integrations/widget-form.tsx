"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState, useSyncExternalStore } from "react";
import {
  CircleHelpIcon,
  Loader2Icon,
  MessageCircleIcon,
  PlusIcon,
  SendIcon,
  SparklesIcon,
  TriangleAlertIcon,
  XIcon,
} from "lucide-react";
import { createWidgetAction, updateWidgetAction, type WidgetFormState } from "@/app/(dashboard)/integrations/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { BotSelect } from "@/components/integrations/bot-select";
import { EntryList, useEntryRows } from "@/components/integrations/entry-list";
import { Switch } from "@/components/switch";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import type { WidgetSettings } from "@/db/schema";

export type WidgetFormInitial = {
  integrationId?: string;
  name: string;
  botId: string;
  origins: string[];
  widget: WidgetSettings;
  returnSources?: boolean;
};

/** Create or edit a website widget: name, bot, allowed websites (each checked on its own), appearance, with a live preview. */
export function WidgetForm({
  bots,
  initial,
  canEdit = true,
}: {
  bots: { id: string; name: string }[];
  initial: WidgetFormInitial;
  canEdit?: boolean;
}) {
  const router = useRouter();
  const editing = !!initial.integrationId;
  const [state, action, pending] = useActionState<WidgetFormState, FormData>(
    editing ? updateWidgetAction.bind(null, initial.integrationId!) : createWidgetAction,
    { status: "idle" },
  );
  const [look, setLook] = useState<WidgetSettings>(initial.widget);
  // After a save the canonical form comes back (HTTPS://Example.com/ → https://example.com).
  const origins = useEntryRows(
    initial.origins.length ? initial.origins : [""],
    state.status === "saved" ? state.origins : undefined,
  );
  useEffect(() => {
    if (!editing && state.status === "saved" && state.integrationId)
      router.push(`/integrations/${state.integrationId}`);
  }, [editing, state, router]);

  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  const originErrors = state.status === "error" ? (state.originErrors ?? {}) : {};
  const set = <K extends keyof WidgetSettings>(key: K, value: WidgetSettings[K]) => setLook({ ...look, [key]: value });

  return (
    <div className="grid max-w-xl gap-5">
      <form action={action} className="grid gap-5" noValidate>
        <FormMessage state={state} />
        {state.status === "saved" &&
          state.warnings?.map((w) => (
            <p key={w} className="bg-warning/10 flex items-center gap-2 rounded-md px-3 py-2 text-sm" role="status">
              <TriangleAlertIcon className="text-warning size-4" /> {w}
            </p>
          ))}
        <FormField id="name" label="Name" hint="For you and your team, e.g. “Website chat”." errors={e.name}>
          <Input
            id="name"
            name="name"
            maxLength={100}
            defaultValue={v.name ?? initial.name}
            aria-invalid={!!e.name}
            disabled={!canEdit}
            required
          />
        </FormField>
        <FormField id="botId" label="Bot" errors={e.botId}>
          <BotSelect bots={bots} defaultValue={v.botId ?? initial.botId} invalid={!!e.botId} disabled={!canEdit} />
        </FormField>

        <fieldset className="grid gap-2">
          <legend className="mb-2 text-sm font-medium">Allowed websites</legend>
          <p className="text-muted-foreground -mt-1 text-xs">
            The widget works only on these websites. Use https://*.example.com for every subdomain of example.com.
          </p>
          <EntryList
            entries={origins}
            name="origin"
            label="Allowed website"
            placeholder="https://www.example.com"
            noun="website"
            errors={originErrors}
            canEdit={canEdit}
            minRows={1}
          />
          {e.origins?.map((m) => (
            <p key={m} className="text-destructive text-xs font-medium" role="alert">
              {m}
            </p>
          ))}
          {canEdit && (
            <div>
              <Button
                type="button"
                variant="outline"
                size="sm"
                disabled={origins.rows.length >= 100}
                onClick={origins.add}
              >
                <PlusIcon /> Add website
              </Button>
            </div>
          )}
        </fieldset>

        <fieldset className="grid gap-4 sm:grid-cols-2" disabled={!canEdit}>
          <legend className="mb-2 text-sm font-medium">Appearance</legend>
          <div className="grid gap-2 sm:col-span-2">
            <div className="text-muted-foreground text-xs font-medium tracking-wide uppercase">Preview</div>
            <WidgetPreview look={look} />
          </div>
          <FormField id="title" label="Title" errors={e.title}>
            <Input
              id="title"
              name="title"
              maxLength={60}
              value={look.title}
              onChange={(ev) => set("title", ev.target.value)}
            />
          </FormField>
          <FormField id="accentColor" label="Accent colour" errors={e.accentColor}>
            <div className="flex gap-2">
              <input
                type="color"
                aria-label="Pick the accent colour"
                value={/^#[0-9a-f]{6}$/i.test(look.accentColor) ? look.accentColor : "#4f46e5"}
                onChange={(ev) => set("accentColor", ev.target.value)}
                className="h-9 w-12 cursor-pointer rounded-md border"
              />
              <Input
                id="accentColor"
                name="accentColor"
                value={look.accentColor}
                onChange={(ev) => set("accentColor", ev.target.value)}
                className="font-mono"
              />
            </div>
          </FormField>
          <FormField id="greeting" label="Greeting" className="sm:col-span-2" errors={e.greeting}>
            <Textarea
              id="greeting"
              name="greeting"
              maxLength={500}
              rows={2}
              value={look.greeting}
              onChange={(ev) => set("greeting", ev.target.value)}
            />
          </FormField>
          <FormField id="theme" label="Theme" errors={e.theme}>
            <NativeSelect
              id="theme"
              name="theme"
              value={look.theme}
              onChange={(ev) => set("theme", ev.target.value as WidgetSettings["theme"])}
            >
              <option value="auto">Automatic (follows the visitor)</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </NativeSelect>
          </FormField>
          <FormField id="position" label="Position" errors={e.position}>
            <NativeSelect
              id="position"
              name="position"
              value={look.position}
              onChange={(ev) => set("position", ev.target.value as WidgetSettings["position"])}
            >
              <option value="right">Bottom right</option>
              <option value="left">Bottom left</option>
            </NativeSelect>
          </FormField>
          <FormField id="launcherIcon" label="Launcher icon" errors={e.launcherIcon}>
            <NativeSelect
              id="launcherIcon"
              name="launcherIcon"
              value={look.launcherIcon}
              onChange={(ev) => set("launcherIcon", ev.target.value as WidgetSettings["launcherIcon"])}
            >
              <option value="chat">Speech bubble</option>
              <option value="help">Question mark</option>
              <option value="sparkles">Sparkles</option>
            </NativeSelect>
          </FormField>
          <label className="flex items-start gap-3 text-sm sm:col-span-2">
            <Switch
              name="askContact"
              checked={look.askContact}
              onChange={(ev) => set("askContact", ev.target.checked)}
              className="mt-0.5"
            />
            <span>
              <span className="font-medium">Ask for a name and email first</span>
              <span className="text-muted-foreground block text-xs">
                Uses the bot&apos;s lead capture fields; the contact becomes a lead.
              </span>
            </span>
          </label>
          {editing && (
            <label className="flex items-start gap-3 text-sm sm:col-span-2">
              <Switch name="returnSources" defaultChecked={initial.returnSources} className="mt-0.5" />
              <span>
                <span className="font-medium">Show sources</span>
                <span className="text-muted-foreground block text-xs">
                  Under each answer, the titles of the knowledge it used.
                </span>
              </span>
            </label>
          )}
        </fieldset>

        {canEdit && (
          <div className="flex gap-2">
            <Button type="submit" disabled={pending || bots.length === 0}>
              {pending && <Loader2Icon className="animate-spin" />} {editing ? "Save widget" : "Create widget"}
            </Button>
            {!editing && (
              <Button type="button" variant="ghost" asChild>
                <Link href="/integrations/new">Back</Link>
              </Button>
            )}
          </div>
        )}
      </form>
    </div>
  );
}

const darkQuery = () => matchMedia("(prefers-color-scheme: dark)");
function subscribeDark(onChange: () => void) {
  const query = darkQuery();
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

const LAUNCHER = { chat: MessageCircleIcon, help: CircleHelpIcon, sparkles: SparklesIcon };

/** The widget's open panel and launcher as they will look, drawn from the form's current values. */
export function WidgetPreview({ look }: { look: WidgetSettings }) {
  const prefersDark = useSyncExternalStore(
    subscribeDark,
    () => darkQuery().matches,
    () => false,
  );
  const dark = look.theme === "dark" || (look.theme === "auto" && prefersDark);
  const accent = /^#[0-9a-f]{6}$/i.test(look.accentColor) ? look.accentColor : "#4f46e5";
  const onAccent = contrastText(accent);
  const Icon = LAUNCHER[look.launcherIcon] ?? MessageCircleIcon;
  const c = dark
    ? { bg: "#111827", fg: "#f9fafb", bot: "#1f2937", line: "#4b5563" }
    : { bg: "#ffffff", fg: "#111827", bot: "#f3f4f6", line: "#d1d5db" };
  return (
    <div
      data-testid="widget-preview"
      aria-label="Widget preview"
      role="img"
      className={`bg-muted/40 flex flex-col gap-3 rounded-xl border p-4 ${look.position === "left" ? "items-start" : "items-end"}`}
    >
      <div
        className="w-full max-w-[20rem] overflow-hidden rounded-2xl border text-[14px] shadow-lg"
        style={{ background: c.bg, color: c.fg, borderColor: c.line }}
      >
        <div
          className="flex items-center gap-2 px-4 py-3 font-semibold"
          style={{ background: accent, color: onAccent }}
        >
          <span className="flex-1 truncate">{look.title || "Chat"}</span>
          <XIcon className="size-4" />
        </div>
        <div className="grid gap-2 p-4">
          {look.greeting && (
            <div className="max-w-[85%] rounded-2xl rounded-bl-sm px-3 py-2" style={{ background: c.bot }}>
              {look.greeting}
            </div>
          )}
          <div
            className="max-w-[85%] justify-self-end rounded-2xl rounded-br-sm px-3 py-2"
            style={{ background: accent, color: onAccent }}
          >
            What plans do you offer?
          </div>
        </div>
        <div className="flex gap-2 border-t p-2" style={{ borderColor: c.line }}>
          <div className="flex-1 rounded-lg border px-3 py-2 opacity-70" style={{ borderColor: c.line }}>
            Write a message…
          </div>
          <div className="grid w-10 place-items-center rounded-lg" style={{ background: accent, color: onAccent }}>
            <SendIcon className="size-4" />
          </div>
        </div>
      </div>
      <div
        className="grid size-14 place-items-center rounded-full shadow-lg"
        style={{ background: accent, color: onAccent }}
      >
        <Icon className="size-6" />
      </div>
    </div>
  );
}

/** Black or white, whichever reads better on the accent (WCAG relative luminance), as widget.js decides. */
function contrastText(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? "#111827" : "#ffffff";
}

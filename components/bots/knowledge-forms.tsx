"use client";

import { useRouter } from "next/navigation";
import { useActionState, useRef, useState } from "react";
import { Loader2Icon, UploadIcon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { addUrlSourceAction } from "@/app/(dashboard)/bots/actions";
import { useSaved } from "@/components/bots/use-saved";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { idleForm } from "@/lib/validations/form";
import { cn } from "@/lib/utils";

/**
 * The knowledge forms that start hidden (the Upload files, Website and Q&A tabs of "Add knowledge", a
 * Q&A's edit dialog), as one module: lazy-knowledge-forms.tsx fetches it when the page is idle, not
 * with the page.
 */
export { CuratedAnswerForm } from "@/components/bots/curated-answer-form";

const ACCEPT =
  ".txt,.md,.markdown,.html,.htm,.pdf,.docx,.csv,text/plain,text/markdown,text/html,text/csv,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const MAX_UPLOAD_MB = 10;

type Upload = { name: string; state: "uploading" | "done" | "error"; message?: string };

export function FileUpload({ botId }: { botId: string }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const busy = uploads.some((u) => u.state === "uploading");

  async function upload(files: File[]) {
    if (!files.length) return;
    setUploads(files.map((f) => ({ name: f.name, state: "uploading" })));
    let added = 0;
    for (const [i, file] of files.entries()) {
      const update = (u: Partial<Upload>) => setUploads((all) => all.map((x, j) => (j === i ? { ...x, ...u } : x)));
      if (file.size > MAX_UPLOAD_MB * 1024 * 1024) {
        update({ state: "error", message: `Larger than ${MAX_UPLOAD_MB} MB. Split it into smaller files.` });
        continue;
      }
      const body = new FormData();
      body.set("file", file);
      try {
        const res = await fetch(`/bots/${botId}/sources`, { method: "POST", body });
        const json = res.headers.get("content-type")?.includes("json")
          ? ((await res.json()) as { ok: boolean; error?: string })
          : null;
        if (res.redirected || !json)
          update({ state: "error", message: "Your session has ended. Sign in again and retry." });
        else if (!json.ok) update({ state: "error", message: json.error ?? "The upload failed." });
        else {
          update({ state: "done" });
          added++;
        }
      } catch {
        update({ state: "error", message: "The upload failed; check your connection and try again." });
      }
    }
    if (input.current) input.current.value = "";
    if (added) {
      toast.success(
        added === 1 ? "File uploaded. It is being imported." : `${added} files uploaded. They are being imported.`,
      );
      router.refresh();
    }
  }

  return (
    <div className="grid gap-3">
      <Label htmlFor="source-files" className="sr-only">
        Files
      </Label>
      <label
        htmlFor="source-files"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (!busy) void upload([...e.dataTransfer.files]);
        }}
        className={cn(
          "hover:bg-muted/50 flex cursor-pointer flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-8 text-center transition-colors",
          dragging && "border-primary bg-primary/5",
          busy && "pointer-events-none opacity-60",
        )}
      >
        <div className="bg-primary/10 text-primary flex size-10 items-center justify-center rounded-full">
          {busy ? <Loader2Icon className="size-5 animate-spin" /> : <UploadIcon className="size-5" />}
        </div>
        <span className="text-sm font-medium">{busy ? "Uploading…" : "Choose files or drop them here"}</span>
        <span className="text-muted-foreground text-xs">
          PDF, Word (.docx), Markdown, HTML, CSV or plain text · up to {MAX_UPLOAD_MB} MB each
        </span>
      </label>
      <input
        ref={input}
        id="source-files"
        name="file"
        type="file"
        multiple
        accept={ACCEPT}
        className="sr-only"
        disabled={busy}
        onChange={(e) => void upload([...(e.target.files ?? [])])}
      />
      {uploads.length > 0 && (
        <ul className="grid gap-1 text-sm" aria-live="polite">
          {uploads.map((u, i) => (
            <li key={`${u.name}-${i}`} className="flex items-start gap-2">
              <span className="min-w-0 flex-1 truncate">{u.name}</span>
              <span
                className={cn(
                  "shrink-0 text-xs",
                  u.state === "error"
                    ? "text-destructive max-w-[60%] text-right"
                    : u.state === "done"
                      ? "text-success"
                      : "text-muted-foreground",
                )}
                role={u.state === "error" ? "alert" : undefined}
              >
                {u.state === "uploading" ? "Uploading…" : u.state === "done" ? "Uploaded" : u.message}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function UrlSourceForm({ botId }: { botId: string }) {
  const [state, action, pending] = useActionState(addUrlSourceAction.bind(null, botId), idleForm);
  const form = useRef<HTMLFormElement>(null);
  useSaved(state, form);
  const errors = state.fieldErrors ?? {};
  const values = state.values ?? {};
  const [mode, setMode] = useState(values.mode === "sitemap" ? "sitemap" : "page");
  return (
    <form ref={form} action={action} className="grid gap-4" noValidate>
      <FormMessage state={state.status === "error" && !state.fieldErrors ? state : idleForm} />
      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm leading-none font-medium">Import</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {(
            [
              ["page", "One page", "The text of a single web page."],
              ["sitemap", "A whole site", "Every page listed in a sitemap.xml, up to 50."],
            ] as const
          ).map(([value, title, description]) => (
            <label
              key={value}
              className={cn(
                "hover:bg-muted/50 flex cursor-pointer items-start gap-3 rounded-lg border p-3 text-sm transition-colors",
                mode === value && "border-primary bg-primary/5",
              )}
            >
              <input
                type="radio"
                name="mode"
                value={value}
                checked={mode === value}
                onChange={() => setMode(value)}
                className="accent-primary mt-0.5"
              />
              <span>
                <span className="block font-medium">{title}</span>
                <span className="text-muted-foreground text-xs">{description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <FormField
        id="source-url"
        label={mode === "sitemap" ? "Sitemap address" : "Page address"}
        hint={
          mode === "sitemap"
            ? "Usually https://your-site.com/sitemap.xml."
            : "Public pages only: addresses inside your network are refused."
        }
        errors={errors.url}
      >
        <Input
          id="source-url"
          name="url"
          type="url"
          inputMode="url"
          autoComplete="url"
          placeholder={mode === "sitemap" ? "https://example.com/sitemap.xml" : "https://example.com/help/returns"}
          defaultValue={state.status === "error" ? values.url : undefined}
          aria-invalid={!!errors.url}
        />
      </FormField>
      <FormField
        id="source-url-title"
        label="Title (optional)"
        hint={
          mode === "sitemap"
            ? "Leave empty to call it “Pages of” the site's name; each page keeps its own title."
            : "Leave empty to use the page's own title."
        }
        errors={errors.title}
      >
        <Input
          id="source-url-title"
          name="title"
          maxLength={200}
          defaultValue={state.status === "error" ? values.title : undefined}
        />
      </FormField>
      <div>
        <Button type="submit" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />} {mode === "sitemap" ? "Import site" : "Import page"}
        </Button>
      </div>
    </form>
  );
}

"use client";

import { useEffect, useRef, useState } from "react";
import { KeyRoundIcon, TriangleAlertIcon } from "lucide-react";
import { CopyButton } from "@/components/copy-button";
import { CodeExamples } from "@/components/integrations/lazy-code-examples";
import { forgetRevealedKey, peekRevealedKey } from "@/components/integrations/reveal-store";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

/** The key, shown once: a loud card with a copy button (`onCopied`: by the button or by hand). */
export function KeyReveal({
  apiKey,
  title = "Your API key",
  onCopied,
}: {
  apiKey: string;
  title?: string;
  onCopied?: () => void;
}) {
  // The one moment the key is visible: the focus goes to its heading, so a screen reader says so.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="border-warning/50 bg-warning/10 rounded-xl border p-5" data-testid="key-reveal">
      <div className="flex items-start gap-3">
        <KeyRoundIcon className="text-warning mt-0.5 size-5 shrink-0" />
        <div className="min-w-0 flex-1 space-y-3">
          <div>
            <h2 ref={heading} tabIndex={-1} className="font-semibold outline-none">
              {title}
            </h2>
            <p className="text-muted-foreground mt-1 text-sm">
              <strong className="text-foreground">Copy this key now: it cannot be recovered.</strong> If you lose it,
              delete and recreate the integration (or roll the key).
            </p>
          </div>
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <code
              className="bg-background min-w-0 flex-1 rounded-md border px-3 py-2 font-mono text-sm break-all"
              data-testid="api-key"
              onCopy={onCopied}
            >
              {apiKey}
            </code>
            <CopyButton
              value={apiKey}
              label="Copy key"
              variant="default"
              size="default"
              successMessage="API key copied"
              onCopied={onCopied}
            />
          </div>
        </div>
      </div>
    </div>
  );
}

/** Endpoint, key (once, right after creation) and the code examples filled in with both. */
export function SetupPanel({
  integrationId,
  endpoint,
  hint,
}: {
  integrationId: string;
  endpoint: string;
  hint: string | null;
}) {
  // Read once from this tab's memory and forget at once: a reload or a later visit never shows the key.
  const [apiKey] = useState(() => peekRevealedKey(integrationId));
  useEffect(() => forgetRevealedKey(integrationId), [integrationId]);

  return (
    <div className="flex min-w-0 flex-col gap-6">
      {apiKey && <KeyReveal apiKey={apiKey} />}
      <Card>
        <CardHeader>
          <CardTitle>Endpoint</CardTitle>
          <CardDescription>
            Send each user message here from your backend, with the key in the x-api-key header.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex min-w-0 flex-col gap-4">
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <code
              className="bg-muted/60 min-w-0 flex-1 rounded-md border px-3 py-2 font-mono text-sm break-all"
              data-testid="endpoint"
            >
              <span className="text-primary font-semibold">POST</span> {endpoint}
            </code>
            <CopyButton value={endpoint} label="Copy endpoint" successMessage="Endpoint copied" />
          </div>
          {!apiKey && (
            <p className="text-muted-foreground flex items-start gap-2 text-sm">
              <TriangleAlertIcon className="mt-0.5 size-4 shrink-0" />
              <span>
                The API key {hint ? <code className="font-mono">sk-parley_…{hint}</code> : null} was shown once, when it
                was created. The examples use a placeholder; lost it? Roll the key below.
              </span>
            </p>
          )}
          <CodeExamples endpoint={endpoint} apiKey={apiKey} />
        </CardContent>
      </Card>
    </div>
  );
}

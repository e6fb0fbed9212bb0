"use client";

import { CopyButton } from "@/components/copy-button";

/** A webhook signing secret with a copy button. */
export function SecretDisplay({ secret }: { secret: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-2 sm:flex-row sm:items-center">
      <code
        className="bg-muted/60 min-w-0 flex-1 break-all rounded-md border px-3 py-2 font-mono text-sm"
        data-testid="webhook-secret"
      >
        {secret}
      </code>
      <CopyButton value={secret} label="Copy secret" successMessage="Signing secret copied" />
    </div>
  );
}

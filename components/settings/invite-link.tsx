"use client";

import { LinkIcon } from "lucide-react";
import { CopyButton } from "@/components/copy-button";

/** An invite link, shown once: only its hash is stored, so it cannot be shown again. */
export function InviteLink({ url, email }: { url: string; email?: string }) {
  return (
    <div className="border-warning/50 bg-warning/10 grid min-w-0 gap-3 rounded-xl border p-4" data-testid="invite-link">
      <div className="flex items-start gap-3">
        <LinkIcon className="text-warning mt-0.5 size-4 shrink-0" />
        <p className="text-sm">
          <strong>Copy this link now and send it{email ? ` to ${email}` : ""}.</strong>{" "}
          <span className="text-muted-foreground">
            It is shown once, works once, and expires in 7 days. Lost it? Make a new link below.
          </span>
        </p>
      </div>
      <div className="flex min-w-0 flex-col gap-2 sm:flex-row sm:items-center">
        <code
          className="bg-background block max-w-full min-w-0 flex-1 break-all rounded-md border px-3 py-2 font-mono text-xs"
          data-testid="invite-url"
        >
          {url}
        </code>
        <CopyButton
          value={url}
          label="Copy link"
          variant="default"
          size="default"
          successMessage="Invite link copied"
        />
      </div>
    </div>
  );
}

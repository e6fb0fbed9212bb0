"use client";

import { useId, useOptimistic, useTransition } from "react";
import { MailIcon } from "lucide-react";
import { setDigestAction } from "@/app/(dashboard)/unanswered/actions";
import { toast } from "@/components/lazy/toast";
import { Switch } from "@/components/switch";
import { cn } from "@/lib/utils";

/** The weekly email digest of unanswered questions, on or off for the workspace. */
export function DigestToggle({
  enabled,
  canChange,
  emailConfigured,
  className,
}: {
  enabled: boolean;
  canChange: boolean;
  emailConfigured: boolean;
  className?: string;
}) {
  const [pending, startTransition] = useTransition();
  const [on, setOn] = useOptimistic(enabled);
  const id = useId();
  return (
    <section className={cn("flex items-start gap-3 rounded-xl border p-4", className)} aria-labelledby={`${id}-label`}>
      <MailIcon className="text-muted-foreground mt-0.5 size-5 shrink-0" />
      <div className="min-w-0 flex-1 space-y-1">
        <label id={`${id}-label`} htmlFor={id} className="text-sm font-medium">
          Weekly digest by email
        </label>
        <p className="text-muted-foreground text-sm">
          {emailConfigured
            ? "Once a week, the workspace's owners and admins get the new unanswered questions, most asked first."
            : "Email is not set up on this server (SMTP_URL), so no digest is sent. Your choice is kept for when it is."}
        </p>
      </div>
      <Switch
        id={id}
        checked={on}
        disabled={!canChange || pending}
        onChange={(e) => {
          const next = e.currentTarget.checked;
          startTransition(async () => {
            setOn(next);
            const result = await setDigestAction(next);
            if (result.status === "saved") toast.success(result.message);
            else toast.error(result.message);
          });
        }}
      />
    </section>
  );
}

"use client";

import { useState } from "react";
import { CheckIcon, CopyIcon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { Button } from "@/components/ui/button";

/** Copies `value` to the clipboard and says so. */
export function CopyButton({
  value,
  label = "Copy",
  successMessage = "Copied to clipboard",
  variant = "outline",
  size = "sm",
  className,
  onCopied,
}: {
  value: string;
  label?: string;
  successMessage?: string;
  variant?: React.ComponentProps<typeof Button>["variant"];
  size?: React.ComponentProps<typeof Button>["size"];
  className?: string;
  onCopied?: () => void;
}) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      onCopied?.();
      toast.success(successMessage);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast.error("Could not copy. Select the text and copy it by hand.");
    }
  }
  return (
    <Button type="button" variant={variant} size={size} onClick={copy} className={className} aria-label={label}>
      {copied ? <CheckIcon /> : <CopyIcon />}
      {size !== "icon" && (copied ? "Copied" : label)}
    </Button>
  );
}

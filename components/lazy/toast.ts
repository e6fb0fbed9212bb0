import type { ReactNode } from "react";
import type { ExternalToast } from "sonner";
import { deferred } from "@/components/lazy/defer";

/**
 * sonner's `toast`, without sonner in the page's first-load JavaScript: the toaster (sonner.tsx)
 * fetches components/ui/sonner once the page is idle, and a toast raised before that fetches it
 * first. Client components import `toast` from here rather than from "sonner".
 */
export const sonner = deferred(async () => {
  const [ui, { toast }] = await Promise.all([import("@/components/ui/sonner"), import("sonner")]);
  return { Toaster: ui.Toaster, toast };
});

type Message = string | ReactNode;

function show(kind: "success" | "error" | "info" | "warning" | "message", message: Message, data?: ExternalToast) {
  sonner.load().then(
    (m) => m.toast[kind](message, data),
    () => {
      // sonner could not be fetched (offline): say it the plain way rather than not at all
      if (kind === "error") window.alert(typeof message === "string" ? message : "Something went wrong.");
    },
  );
}

export const toast = {
  success: (message: Message, data?: ExternalToast) => show("success", message, data),
  error: (message: Message, data?: ExternalToast) => show("error", message, data),
  info: (message: Message, data?: ExternalToast) => show("info", message, data),
  warning: (message: Message, data?: ExternalToast) => show("warning", message, data),
  message: (message: Message, data?: ExternalToast) => show("message", message, data),
};

"use client";

import { useTransition } from "react";
import { Loader2Icon, RotateCwIcon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { retryDeliveryAction } from "@/app/(dashboard)/settings/webhooks/actions";
import { Button } from "@/components/ui/button";

/** Sends a failed delivery again, with a fresh set of attempts. */
export function RetryDeliveryButton({ deliveryId }: { deliveryId: number }) {
  const [pending, start] = useTransition();
  return (
    <Button
      size="sm"
      variant="link"
      className="h-auto px-0 text-xs"
      disabled={pending}
      onClick={() =>
        start(async () => {
          const result = await retryDeliveryAction(deliveryId).catch(() => ({
            status: "error" as const,
            message: "That did not work. Try again.",
          }));
          if (result.status === "saved") toast.success(result.message ?? "Sending it again.");
          else toast.error(result.message);
        })
      }
    >
      {pending ? <Loader2Icon className="animate-spin" /> : <RotateCwIcon />} Send again
    </Button>
  );
}

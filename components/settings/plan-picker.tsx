"use client";

import { useActionState } from "react";
import { CheckIcon, Loader2Icon, TriangleAlertIcon } from "lucide-react";
import { changePlanAction } from "@/app/(dashboard)/settings/actions";
import { FormMessage } from "@/components/form-field";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDateTime, formatNumber } from "@/lib/format";
import { cn } from "@/lib/utils";
import { idleForm } from "@/lib/validations/form";
import type { Plan } from "@/db/schema";

type PlanCard = { id: Plan; label: string; messagesPerMonth: number; requestsPerMinute: number };

/** The plans side by side; the owner switches with one click, everyone else sees where they stand. */
export function PlanPicker({
  plans,
  current,
  used,
  resetsAt,
  canChange,
}: {
  plans: PlanCard[];
  current: Plan;
  used: number;
  resetsAt: string;
  canChange: boolean;
}) {
  const [state, action, pending] = useActionState(changePlanAction, idleForm);
  return (
    <div className="grid gap-4">
      <FormMessage state={state} />
      {!canChange && (
        <p className="text-muted-foreground rounded-md border border-dashed px-3 py-2 text-sm">
          Only the workspace owner can change the plan.
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {plans.map((p) => {
          const isCurrent = p.id === current;
          const over = !isCurrent && used >= p.messagesPerMonth;
          return (
            <section
              key={p.id}
              aria-labelledby={`plan-${p.id}`}
              className={cn(
                "bg-card flex flex-col rounded-xl border p-5 shadow-sm",
                isCurrent && "border-primary ring-primary/30 ring-2",
              )}
            >
              <div className="flex items-center justify-between gap-2">
                <h3 id={`plan-${p.id}`} className="font-semibold">
                  {p.label}
                </h3>
                {isCurrent && <Badge>Current</Badge>}
              </div>
              <dl className="mt-4 grid gap-3 text-sm">
                <div>
                  <dt className="text-muted-foreground text-xs">Messages a month</dt>
                  <dd className="text-2xl font-semibold tabular-nums">{formatNumber(p.messagesPerMonth)}</dd>
                </div>
                <div>
                  <dt className="text-muted-foreground text-xs">Requests a minute, per integration</dt>
                  <dd className="font-medium tabular-nums">{formatNumber(p.requestsPerMinute)}</dd>
                </div>
              </dl>
              {over && (
                <p className="text-warning mt-4 flex gap-2 text-xs">
                  <TriangleAlertIcon className="mt-0.5 size-3.5 shrink-0" />
                  <span>
                    {formatNumber(used)} messages are used this month: on this plan the API answers quota_exceeded until{" "}
                    {formatDateTime(resetsAt)}.
                  </span>
                </p>
              )}
              <div className="mt-auto pt-5">
                {isCurrent ? (
                  <p className="text-muted-foreground flex items-center gap-1.5 text-sm">
                    <CheckIcon className="size-4" /> Your plan
                  </p>
                ) : canChange ? (
                  <form action={action}>
                    <input type="hidden" name="plan" value={p.id} />
                    <Button type="submit" variant={over ? "outline" : "default"} className="w-full" disabled={pending}>
                      {pending && <Loader2Icon className="animate-spin" />} Switch to {p.label}
                    </Button>
                  </form>
                ) : null}
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}

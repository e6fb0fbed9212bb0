import Link from "next/link";
import { CircleAlertIcon, TriangleAlertIcon } from "lucide-react";
import { formatDateTime, formatNumber } from "@/lib/format";
import { cn } from "@/lib/utils";

/** Shown across the dashboard when the month's messages reach 80% of the quota, and louder at 100%. */
export function UsageBanner({
  used,
  limit,
  resetsAt,
  canChangePlan,
}: {
  used: number;
  limit: number;
  resetsAt: Date;
  canChangePlan: boolean;
}) {
  const ratio = limit > 0 ? used / limit : 1;
  if (ratio < 0.8) return null;
  const full = ratio >= 1;
  const Icon = full ? CircleAlertIcon : TriangleAlertIcon;
  return (
    <div
      role={full ? "alert" : "status"}
      data-testid="usage-banner"
      className={cn(
        "flex flex-col gap-2 border-b px-4 py-2.5 text-sm sm:flex-row sm:items-center md:px-8",
        full ? "bg-destructive/10 border-destructive/30 text-destructive" : "bg-warning/10 border-warning/40",
      )}
    >
      <div className="flex min-w-0 flex-1 items-start gap-2">
        <Icon className={cn("mt-0.5 size-4 shrink-0", full ? "" : "text-warning")} />
        <p>
          {full ? (
            <>
              <strong>This workspace has used all {formatNumber(limit)} messages for this month.</strong> The API
              answers quota_exceeded until {formatDateTime(resetsAt)}.
            </>
          ) : (
            <>
              <strong>
                {Math.floor(ratio * 100)}% of this month&apos;s {formatNumber(limit)} messages are used.
              </strong>{" "}
              When they run out, the API answers quota_exceeded until {formatDateTime(resetsAt)}.
            </>
          )}
        </p>
      </div>
      <Link
        href={canChangePlan ? "/settings/plan" : "/settings/usage"}
        className="shrink-0 pl-6 font-medium underline underline-offset-4 sm:pl-0"
      >
        {canChangePlan ? "Change plan" : "See usage"}
      </Link>
    </div>
  );
}

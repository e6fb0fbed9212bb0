import { cn } from "@/lib/utils";

/** How much of the monthly quota is used: a bar that turns amber at 80% and red at 100%. */
export function UsageMeter({ used, limit, className }: { used: number; limit: number; className?: string }) {
  const ratio = limit > 0 ? used / limit : 1;
  const percent = Math.min(100, Math.round(ratio * 100));
  return (
    <div
      role="progressbar"
      aria-label="Messages used this month"
      aria-valuemin={0}
      aria-valuemax={limit}
      aria-valuenow={Math.min(used, limit)}
      aria-valuetext={`${used.toLocaleString("en-US")} of ${limit.toLocaleString("en-US")} messages`}
      className={cn("bg-muted h-3 w-full overflow-hidden rounded-full", className)}
    >
      <div
        className={cn(
          "h-full rounded-full transition-[width]",
          ratio >= 1 ? "bg-destructive" : ratio >= 0.8 ? "bg-warning" : "bg-primary",
        )}
        style={{ width: `${used > 0 ? Math.max(percent, 1) : 0}%` }}
      />
    </div>
  );
}

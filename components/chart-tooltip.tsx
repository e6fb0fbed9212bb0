import type { TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { formatNumber } from "@/lib/format";

/** A series of a chart as its tooltip and legend name it. */
export type TooltipSeries = { key: string; label: string; color: string };

/**
 * The charts' tooltip (shadcn's chart look: a card with a swatch, label and value per series): `title` names the
 * point, `total` adds the sum, `hideZero` leaves out series without a value there.
 */
export function ChartTooltip({
  active,
  payload,
  label,
  series,
  title,
  total = false,
  hideZero = false,
}: TooltipContentProps<ValueType, NameType> & {
  series: TooltipSeries[];
  title: (label: string) => string;
  total?: boolean;
  hideZero?: boolean;
}) {
  if (!active || !payload?.length) return null;
  const sum = payload.reduce((n, p) => n + Number(p.value ?? 0), 0);
  return (
    <div className="bg-popover text-popover-foreground grid min-w-40 gap-1.5 rounded-lg border px-3 py-2 text-xs shadow-md">
      <div className="font-medium">{title(String(label))}</div>
      {series.map((s) => {
        const value = Number(payload.find((p) => p.dataKey === s.key)?.value ?? 0);
        if (hideZero && !value) return null;
        return (
          <div key={s.key} className="flex items-center gap-2">
            <span className="size-2.5 shrink-0 rounded-[2px]" style={{ background: s.color }} />
            <span className="text-muted-foreground min-w-0 flex-1 truncate">{s.label}</span>
            <span className="font-mono font-medium tabular-nums">{formatNumber(value)}</span>
          </div>
        );
      })}
      {total && (
        <div className="flex justify-between border-t pt-1.5">
          <span className="text-muted-foreground">Total</span>
          <span className="font-mono font-medium tabular-nums">{formatNumber(sum)}</span>
        </div>
      )}
    </div>
  );
}

"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { formatNumber } from "@/lib/format";

export type UsageChartSeries = { key: string; label: string; color: string; counts: number[] };

const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const dayLabel = (day: string) => DAY.format(new Date(`${day}T00:00:00Z`));

/** Messages a day, stacked by integration (shadcn's chart look: quiet axes, dashed grid, card tooltip). */
export default function UsageChart({ days, series }: { days: string[]; series: UsageChartSeries[] }) {
  const data = days.map((day, i) => {
    const point: Record<string, string | number> = { day };
    for (const s of series) point[s.key] = s.counts[i] ?? 0;
    return point;
  });
  return (
    <div className="h-64 w-full text-xs sm:h-72" data-testid="usage-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: -16 }} accessibilityLayer>
          <CartesianGrid vertical={false} strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis
            dataKey="day"
            tickLine={false}
            axisLine={false}
            tickMargin={8}
            minTickGap={24}
            tickFormatter={dayLabel}
            tick={{ fill: "var(--muted-foreground)" }}
          />
          <YAxis tickLine={false} axisLine={false} allowDecimals={false} width={48} tick={{ fill: "var(--muted-foreground)" }} />
          <Tooltip cursor={{ fill: "var(--muted)", opacity: 0.6 }} content={(props) => <ChartTooltip {...props} series={series} />} />
          {series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="messages"
              fill={s.color}
              radius={i === series.length - 1 ? [4, 4, 0, 0] : 0}
              maxBarSize={28}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function ChartTooltip({ active, payload, label, series }: TooltipContentProps<ValueType, NameType> & { series: UsageChartSeries[] }) {
  if (!active || !payload?.length) return null;
  const total = payload.reduce((sum, p) => sum + Number(p.value ?? 0), 0);
  return (
    <div className="bg-popover text-popover-foreground grid min-w-40 gap-1.5 rounded-lg border px-3 py-2 text-xs shadow-md">
      <div className="font-medium">{dayLabel(String(label))}</div>
      {series.map((s) => {
        const value = Number(payload.find((p) => p.dataKey === s.key)?.value ?? 0);
        if (!value) return null;
        return (
          <div key={s.key} className="flex items-center gap-2">
            <span className="size-2.5 shrink-0 rounded-[2px]" style={{ background: s.color }} />
            <span className="text-muted-foreground min-w-0 flex-1 truncate">{s.label}</span>
            <span className="font-mono font-medium tabular-nums">{formatNumber(value)}</span>
          </div>
        );
      })}
      <div className="flex justify-between border-t pt-1.5">
        <span className="text-muted-foreground">Total</span>
        <span className="font-mono font-medium tabular-nums">{formatNumber(total)}</span>
      </div>
    </div>
  );
}

"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ChartTooltip, type TooltipSeries } from "@/components/chart-tooltip";

/** One series of a chart: its key in the data points, its label and colour. */
export type ChartSeries = TooltipSeries;
export type ChartPoint = Record<string, string | number>;

const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const dayLabel = (day: string) => DAY.format(new Date(`${day}T00:00:00Z`));
const hourLabel = (hour: string | number) => `${String(hour).padStart(2, "0")}:00`;

const axis = {
  tickLine: false,
  axisLine: false,
  tick: { fill: "var(--muted-foreground)" },
} as const;

function Frame({ children, testId }: { children: React.ReactElement; testId: string }) {
  return (
    <div className="h-60 w-full text-xs sm:h-72" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}

/** Customer messages (bars) and conversations started (line), a day each. */
export function ActivityChart({ data, series }: { data: ChartPoint[]; series: [ChartSeries, ChartSeries] }) {
  const [bars, line] = series;
  return (
    <Frame testId="activity-chart">
      <ComposedChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: -16 }} accessibilityLayer>
        <CartesianGrid vertical={false} strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="day" {...axis} tickMargin={8} minTickGap={24} tickFormatter={dayLabel} />
        <YAxis {...axis} allowDecimals={false} width={48} />
        <Tooltip
          cursor={{ fill: "var(--muted)", opacity: 0.6 }}
          content={(props) => <ChartTooltip {...props} series={series} title={dayLabel} />}
        />
        <Bar
          dataKey={bars.key}
          name={bars.label}
          fill={bars.color}
          radius={[4, 4, 0, 0]}
          maxBarSize={28}
          isAnimationActive={false}
        />
        <Line
          dataKey={line.key}
          name={line.label}
          stroke={line.color}
          strokeWidth={2}
          dot={data.length <= 31 ? { r: 2.5, fill: line.color } : false}
          type="monotone"
          isAnimationActive={false}
        />
      </ComposedChart>
    </Frame>
  );
}

/** The bot's replies a day, stacked by what they were (answered, fallback, handed off, other). */
export function OutcomesChart({ data, series }: { data: ChartPoint[]; series: ChartSeries[] }) {
  return (
    <Frame testId="outcomes-chart">
      <BarChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: -16 }} accessibilityLayer>
        <CartesianGrid vertical={false} strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="day" {...axis} tickMargin={8} minTickGap={24} tickFormatter={dayLabel} />
        <YAxis {...axis} allowDecimals={false} width={48} />
        <Tooltip
          cursor={{ fill: "var(--muted)", opacity: 0.6 }}
          content={(props) => <ChartTooltip {...props} series={series} title={dayLabel} total />}
        />
        {series.map((s, i) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            stackId="replies"
            fill={s.color}
            radius={i === series.length - 1 ? [4, 4, 0, 0] : 0}
            maxBarSize={28}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </Frame>
  );
}

/** Customer messages by hour of the day (UTC). */
export function HoursChart({ data, series }: { data: ChartPoint[]; series: ChartSeries }) {
  return (
    <Frame testId="hours-chart">
      <BarChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: -16 }} accessibilityLayer>
        <CartesianGrid vertical={false} strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis
          dataKey="hour"
          {...axis}
          tickMargin={8}
          interval="preserveStartEnd"
          minTickGap={16}
          tickFormatter={hourLabel}
        />
        <YAxis {...axis} allowDecimals={false} width={48} />
        <Tooltip
          cursor={{ fill: "var(--muted)", opacity: 0.6 }}
          content={(props) => (
            <ChartTooltip
              {...props}
              series={[series]}
              title={(h) => `${hourLabel(h)}–${hourLabel(Number(h) + 1)} UTC`}
            />
          )}
        />
        <Bar
          dataKey={series.key}
          name={series.label}
          fill={series.color}
          radius={[4, 4, 0, 0]}
          isAnimationActive={false}
        />
      </BarChart>
    </Frame>
  );
}

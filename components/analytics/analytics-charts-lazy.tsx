"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";

// Recharts loads on demand, so it does not weigh on the first load of the page; the three charts share one chunk.
const loading = () => <Skeleton className="h-60 w-full sm:h-72" />;
const charts = () => import("@/components/analytics/analytics-charts");

export const ActivityChartLazy = dynamic(() => charts().then((m) => m.ActivityChart), { ssr: false, loading });
export const OutcomesChartLazy = dynamic(() => charts().then((m) => m.OutcomesChart), { ssr: false, loading });
export const HoursChartLazy = dynamic(() => charts().then((m) => m.HoursChart), { ssr: false, loading });

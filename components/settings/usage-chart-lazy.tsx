"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";

/** The chart with Recharts loaded on demand, so it does not weigh on the first load of the page. */
export const UsageChartLazy = dynamic(() => import("@/components/settings/usage-chart"), {
  ssr: false,
  loading: () => <Skeleton className="h-64 w-full sm:h-72" />,
});

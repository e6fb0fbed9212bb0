const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 minutes ago", "in 2 hours", "just now"; `never` for a missing date. */
export function formatRelative(date: Date | string | null | undefined, now = new Date(), never = "Never"): string {
  if (!date) return never;
  const seconds = (new Date(date).getTime() - now.getTime()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** "Nov 24, 2026, 10:04 PM UTC". */
export function formatDateTime(date: Date | string): string {
  return (
    new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(
      new Date(date),
    ) + " UTC"
  );
}

/** "Nov 24, 2026" (the day in UTC). */
export function formatDay(date: Date | string): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date));
}

export function formatNumber(n: number): string {
  return n.toLocaleString("en-US");
}

/** "an EXE file", "a PNG file": the article for an abbreviation read letter by letter. */
export function withArticle(abbreviation: string): string {
  return `${/^[AEFHILMNORSX]/i.test(abbreviation) ? "an" : "a"} ${abbreviation}`;
}

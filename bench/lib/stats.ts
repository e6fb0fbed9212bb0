/** Medians, ranges and number formatting for the report. */

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export type Summary = { median: number; min: number; max: number; n: number };

export function summarize(values: number[]): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "1,234 (1,200–1,250)": the median with the range of the runs, or the value alone for one run. */
export function fmtSummary(s: Summary, digits = 0, unit = ""): string {
  const u = unit ? ` ${unit}` : "";
  if (s.n <= 1 || s.min === s.max) return `${fmt(s.median, digits)}${u}`;
  return `${fmt(s.median, digits)}${u} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

export function kB(bytes: number): string {
  return `${fmt(bytes / 1000, 1)} kB`;
}

export function MB(bytes: number): string {
  return `${fmt(bytes / 1e6, 0)} MB`;
}

/** The q-quantile (0…1) of the values, nearest rank; NaN for none. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** mulberry32: a small deterministic generator of numbers in [0, 1), so that every run sees the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

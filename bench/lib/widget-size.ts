import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export type WidgetSize = { rawBytes: number; gzipBytes: number };

/** The website widget's script as a visitor's browser downloads it (public/widget.js, gzip level 9). */
export function widgetBundleSize(root: string): WidgetSize {
  const bytes = fs.readFileSync(path.join(root, "public", "widget.js"));
  return { rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

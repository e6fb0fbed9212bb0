/**
 * First-load JavaScript of each dashboard route (measure 6), from the production build in .next:
 * the root main files every page loads (build-manifest.json, polyfills excluded: they load only in
 * browsers without modules) plus the route's own entry chunks (its layouts and page) from the route's
 * client reference manifest (Turbopack and webpack builds), or app-build-manifest.json (older webpack
 * builds). Each distinct file is gzipped (level 9) and the sizes summed.
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";

export type RouteJs = { route: string; files: number; rawBytes: number; gzipBytes: number; sharedGzipBytes: number };

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

const gzipCache = new Map<string, { raw: number; gzip: number }>();
function sizes(file: string): { raw: number; gzip: number } {
  let s = gzipCache.get(file);
  if (!s) {
    const buf = fs.readFileSync(file);
    s = { raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
    gzipCache.set(file, s);
  }
  return s;
}

/** The entry chunks a route's client reference manifest lists (every layout of the route and its page). */
function clientManifestFiles(distDir: string, entry: string): string[] | null {
  const file = path.join(distDir, "server", "app", `${entry}_client-reference-manifest.js`);
  if (!fs.existsSync(file)) return null;
  const sandbox: { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox, { timeout: 1_000 });
  const manifest = sandbox.__RSC_MANIFEST?.[entry];
  if (!manifest?.entryJSFiles) return null;
  return Object.values(manifest.entryJSFiles).flat();
}

/** "/(dashboard)/integrations/[integrationId]/page" → "/integrations/[integrationId]". */
function routeOf(entry: string): string {
  return (
    entry
      .replace(/\/page$/, "")
      .split("/")
      .filter((segment) => !/^\(.*\)$/.test(segment))
      .join("/") || "/"
  );
}

export function dashboardFirstLoadJs(root: string): RouteJs[] {
  const distDir = path.join(root, ".next");
  const buildManifest = readJson<{ rootMainFiles?: string[]; polyfillFiles?: string[] }>(
    path.join(distDir, "build-manifest.json"),
  );
  const shared = (buildManifest.rootMainFiles ?? []).filter((f) => f.endsWith(".js"));
  const routesManifest = readJson<Record<string, string>>(path.join(distDir, "app-path-routes-manifest.json"));
  const appBuildManifestPath = path.join(distDir, "app-build-manifest.json");
  const appBuildManifest = fs.existsSync(appBuildManifestPath)
    ? readJson<{ pages: Record<string, string[]> }>(appBuildManifestPath)
    : null;

  const entries = Object.keys(routesManifest)
    .filter((entry) => entry.startsWith("/(dashboard)/") && entry.endsWith("/page"))
    .sort();
  if (!entries.length)
    throw new Error("no dashboard routes in .next/app-path-routes-manifest.json: is the build complete?");

  const sharedGzip = shared.reduce((sum, f) => sum + sizes(path.join(distDir, f)).gzip, 0);
  return entries.map((entry) => {
    const own = clientManifestFiles(distDir, entry) ?? appBuildManifest?.pages[entry] ?? null;
    if (!own) throw new Error(`no client manifest for ${entry} in ${distDir}`);
    const files = [...new Set([...shared, ...own.map((f) => f.replace(/^\/?_next\//, ""))])].filter((f) =>
      f.endsWith(".js"),
    );
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const f of files) {
      const s = sizes(path.join(distDir, f));
      rawBytes += s.raw;
      gzipBytes += s.gzip;
    }
    return { route: routeOf(entry), files: files.length, rawBytes, gzipBytes, sharedGzipBytes: sharedGzip };
  });
}

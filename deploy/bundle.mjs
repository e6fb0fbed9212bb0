#!/usr/bin/env node
/**
 * `npm run bundle [-- OUT_DIR]` (default .bundle): after `next build`, the production bundle the
 * Dockerfile copies, a directory that runs with nothing else installed:
 *
 *   .next/            Next's standalone output: the build and its server files
 *   node_modules/     only the packages the build and Parley's server need (traced by Next)
 *   public/           static files
 *   server.mjs        Parley's server (server.ts), Parley's own code bundled in by esbuild
 *   worker.mjs        the background work as its own process (worker.ts)
 *   migrate.mjs       apply migrations (db/cli/migrate.ts);  seed.mjs  the demo data (db/cli/seed.ts)
 *   read-thread.mjs   the thread that reads one knowledge import
 *   db/migrations/    the SQL the server applies at start
 *
 * Run it with `node server.mjs` in that directory (PORT, DATABASE_URL… as in the README).
 * The packages Next keeps out of its own bundles (next.config.js's serverExternalPackages, and Next
 * itself) stay external here too, so the server and the routes share one copy of each; everything
 * else Parley's server imports is bundled into the .mjs files.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import nextConfig from "../next.config.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.resolve(root, process.argv[2] || ".bundle");
const standalone = path.join(root, ".next", "standalone");

if (!existsSync(path.join(standalone, ".next"))) {
  console.error('No standalone build: run `next build` first (next.config.js has output: "standalone").');
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// Next's standalone output, less its own server.js (server.mjs replaces it) and the project files its
// tracing picked up (sources the bundled .mjs files replace).
const traced = new Set(["server.js", "lib", "db"]);
cpSync(standalone, out, { recursive: true, filter: (src) => !traced.has(path.relative(standalone, src)) });
cpSync(path.join(root, ".next", "static"), path.join(out, ".next", "static"), { recursive: true });
cpSync(path.join(root, "public"), path.join(out, "public"), { recursive: true });
cpSync(path.join(root, "db", "migrations"), path.join(out, "db", "migrations"), { recursive: true });

const external = [
  "next",
  "next/*",
  "@next/env",
  "@electric-sql/pglite-pgvector",
  "react",
  "react/*",
  "react-dom",
  "react-dom/*",
  "sharp",
];
for (const name of nextConfig.serverExternalPackages) external.push(name, `${name}/*`);

await build({
  absWorkingDir: root,
  entryPoints: {
    server: "server.ts",
    worker: "worker.ts",
    migrate: "db/cli/migrate.ts",
    seed: "db/cli/seed.ts",
    "read-thread": "lib/knowledge/read-thread-main.ts",
  },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  tsconfig: path.join(root, "tsconfig.json"),
  // Bundled CommonJS packages call require(); ESM output has none of its own.
  banner: {
    js: 'import { createRequire as __parleyCreateRequire } from "node:module"; const require = __parleyCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});

/**
 * Every package left external must be in the bundle's node_modules. Next traced those its routes
 * use; one only Parley's server uses (pdfjs-dist, in the import thread) is copied with its dependencies.
 */
function ensurePackage(name) {
  const target = path.join(out, "node_modules", name);
  if (existsSync(path.join(target, "package.json"))) return;
  const source = path.join(root, "node_modules", name);
  if (!existsSync(path.join(source, "package.json")))
    throw new Error(`The bundle needs ${name}, which is not installed.`);
  cpSync(source, target, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(source, "package.json"), "utf8"));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) ensurePackage(dependency);
}
for (const name of new Set(external.filter((e) => !e.endsWith("/*")))) ensurePackage(name);
const size = execFileSync("du", ["-sh", out], { encoding: "utf8" }).split("\t")[0];
console.log(
  `Bundle written to ${path.relative(root, out) || "."} (${size}). Run: cd ${path.relative(root, out)} && node server.mjs`,
);

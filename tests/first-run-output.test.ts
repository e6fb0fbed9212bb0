/**
 * The first commands a newcomer runs print nothing that reads as a failure (issue "The first hour", item 9):
 * `npm install` warns about every dependency whose install script package.json's allowScripts does not
 * decide, and `next build` prints a telemetry notice unless telemetry is off.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

/** Every installed package (nested ones too) whose package.json has an install-time script. */
function packagesWithInstallScripts(dir: string, found = new Set<string>()): Set<string> {
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith(".")) continue;
    const full = path.join(dir, entry);
    if (entry.startsWith("@")) {
      packagesWithInstallScripts(full, found);
      continue;
    }
    const manifest = path.join(full, "package.json");
    if (!fs.existsSync(manifest)) continue;
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; scripts?: Record<string, string> };
    const scripts = pkg.scripts ?? {};
    if (pkg.name && (scripts.preinstall || scripts.install || scripts.postinstall)) found.add(pkg.name);
    packagesWithInstallScripts(path.join(full, "node_modules"), found);
  }
  return found;
}

describe("first-run output", () => {
  it("allowScripts decides every dependency's install script, so npm install does not warn", () => {
    const allow =
      (
        JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
          allowScripts?: Record<string, boolean>;
        }
      ).allowScripts ?? {};
    const decided = new Set(Object.keys(allow).map((key) => key.replace(/(.)@.*$/, "$1")));
    const undecided = [...packagesWithInstallScripts(path.join(root, "node_modules"))].filter(
      (name) => !decided.has(name),
    );
    expect(undecided).toEqual([]);
  });

  it("loading next.config.js turns Next's telemetry (and its notice) off unless the operator set it", () => {
    const read = (env: NodeJS.ProcessEnv) =>
      execFileSync(
        process.execPath,
        ["-e", "require('./next.config.js'); console.log(process.env.NEXT_TELEMETRY_DISABLED)"],
        {
          cwd: root,
          env,
          encoding: "utf8",
        },
      ).trim();
    const { NEXT_TELEMETRY_DISABLED: _, ...env } = process.env;
    expect(read(env)).toBe("1");
    expect(read({ ...env, NEXT_TELEMETRY_DISABLED: "0" })).toBe("0");
  });
});

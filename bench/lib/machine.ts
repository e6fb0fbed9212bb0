/** The machine a run happened on, for the results file. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

export type Machine = {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  postgres: string;
  date: string;
  commit: string;
  loadAtStart: string;
};

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(fs.readFileSync("/etc/os-release", "utf8"));
    if (m) return `${m[1]}, Linux ${os.release()}`;
  } catch {
    /* not Linux */
  }
  return `${os.type()} ${os.release()}`;
}

function gitCommit(root: string): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return "unknown";
  }
}

export function describeMachine(root: string, postgresVersion: string): Machine {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: osName(),
    node: process.version,
    postgres: postgresVersion,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    commit: gitCommit(root),
    loadAtStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / "),
  };
}

/**
 * Child processes of the benchmark (app servers, the proxy, the model fixture, the build), each in its
 * own process group so that stopping it stops everything it started. Every process started here is
 * stopped by stopAll(), which the runner calls on success, failure and signals; a last synchronous
 * SIGKILL on exit covers the rest.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export type Managed = {
  name: string;
  child: ChildProcess;
  pid: number;
  logPath: string;
  /** Settles with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<string>;
  exit: string | null;
};

const managed = new Set<Managed>();

export class BenchError extends Error {}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logDir: string },
): Managed {
  const logPath = path.join(opts.logDir, `${name}.log`);
  const fd = fs.openSync(logPath, "a");
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  if (child.pid === undefined) throw new BenchError(`Could not start ${name} (${command}).`);
  const entry: Managed = {
    name,
    child,
    pid: child.pid,
    logPath,
    exit: null,
    exited: new Promise<string>((resolve) => {
      child.once("exit", (code, signal) => {
        entry.exit = signal ?? String(code);
        resolve(entry.exit);
      });
      child.once("error", (error) => {
        entry.exit = `error: ${error.message}`;
        resolve(entry.exit);
      });
    }),
  };
  managed.add(entry);
  return entry;
}

function signalGroup(p: Managed, signal: NodeJS.Signals): void {
  try {
    process.kill(-p.pid, signal); // the whole group: tsx/npm wrappers and their children too
  } catch {
    try {
      p.child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(p: Managed, graceMs = 8_000): Promise<void> {
  if (p.exit === null) {
    signalGroup(p, "SIGTERM");
    const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
    if ((await Promise.race([p.exited, timer])) === "timeout") {
      signalGroup(p, "SIGKILL");
      await Promise.race([p.exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    }
  }
  signalGroup(p, "SIGKILL"); // anything the process left behind in its group
  managed.delete(p);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...managed].map((p) => stopProcess(p)));
}

/** The last resort on process exit: no waiting is possible there. */
export function killAllSync(): void {
  for (const p of managed) signalGroup(p, "SIGKILL");
  managed.clear();
}

export function tailLog(p: Pick<Managed, "logPath">, lines = 30): string {
  try {
    return fs.readFileSync(p.logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Runs a process to completion (the build); throws with the end of its log when it fails. */
export async function runToCompletion(p: Managed, timeoutMs: number): Promise<void> {
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
  const result = await Promise.race([p.exited, timer]);
  if (result === "timeout") {
    await stopProcess(p);
    throw new BenchError(
      `${p.name} did not finish within ${Math.round(timeoutMs / 1000)} s. Log: ${p.logPath}\n${tailLog(p)}`,
    );
  }
  managed.delete(p);
  if (result !== "0") throw new BenchError(`${p.name} failed (exit ${result}). Log: ${p.logPath}\n${tailLog(p)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the URL answers with any HTTP status; fails early when the process exits. */
export async function waitForHttp(
  url: string,
  p: Managed,
  { method = "GET", timeoutMs = 90_000 } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (p.exit !== null)
      throw new BenchError(`${p.name} exited (${p.exit}) before it was ready. Log: ${p.logPath}\n${tailLog(p)}`);
    try {
      const res = await fetch(url, {
        method,
        body: method === "POST" ? "{}" : undefined,
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new BenchError(
    `${p.name} was not ready at ${url} within ${Math.round(timeoutMs / 1000)} s (${last}). Log: ${p.logPath}\n${tailLog(p)}`,
  );
}

export async function waitForPort(port: number, p: Managed, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.exit !== null)
      throw new BenchError(`${p.name} exited (${p.exit}) before it was ready. Log: ${p.logPath}\n${tailLog(p)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new BenchError(
    `${p.name} did not listen on ${port} within ${Math.round(timeoutMs / 1000)} s. Log: ${p.logPath}\n${tailLog(p)}`,
  );
}

/** A port that was free a moment ago, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ── /proc ───────────────────────────────────────────────────────────────────

let clockTicks: number | undefined;
/** Clock ticks per second for /proc/<pid>/stat times (almost always 100). */
export function clkTck(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime. */
function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** User + system CPU time of one process (all its threads), in milliseconds. */
export function cpuMs(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  return ((Number(f[11]) + Number(f[12])) * 1000) / clkTck();
}

/** The process and every process below it. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f) continue;
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function treeCpuMs(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + cpuMs(pid), 0);
}

/**
 * Waits until the process tree is nearly idle (under `threshold` of one core over half a second), so
 * that work left over from one run (requests the load generator gave up on) does not slow the next.
 */
export async function waitIdle(rootPid: number, { threshold = 0.1, maxMs = 30_000 } = {}): Promise<number> {
  const t0 = Date.now();
  let before = treeCpuMs(rootPid);
  while (Date.now() - t0 < maxMs) {
    await sleep(500);
    const now = treeCpuMs(rootPid);
    if (now - before < 500 * threshold) break;
    before = now;
  }
  return Date.now() - t0;
}

/** A memory figure of /proc/<pid>/status (VmHWM, VmRSS…) in bytes, summed over the process tree. */
function treeStatusBytes(rootPid: number, field: "VmHWM" | "VmRSS"): number {
  let total = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* exited */
    }
  }
  return total;
}

/** Peak resident memory (VmHWM) in bytes, summed over the process tree. */
export const treePeakRss = (rootPid: number) => treeStatusBytes(rootPid, "VmHWM");

/** Resident memory now (VmRSS) in bytes, summed over the process tree. */
export const treeRss = (rootPid: number) => treeStatusBytes(rootPid, "VmRSS");

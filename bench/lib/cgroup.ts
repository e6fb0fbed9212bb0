/**
 * CPU-capped groups for the scale-out measure: each app process runs in its own cgroup (v1 `cpu`
 * controller) with a fixed CFS quota, so that one process, not the machine, is the bottleneck and adding
 * processes can show. A process joins its group once it has started (starting Next under a small quota
 * would take minutes); writing its pid to cgroup.procs moves all of its threads, and threads it starts
 * later are born in the group. Groups are named
 * `parley-bench-<random>-<n>`, removed by removeAll() once their processes are gone (the runner's cleanup,
 * on failure and signals too); empty groups a killed run left behind are removed at the next start.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const V1_CPU = "/sys/fs/cgroup/cpu";
const PREFIX = "parley-bench-";

export type CpuGroup = {
  name: string;
  dir: string;
  /** Moves a process (all its threads) into the group. */
  add(pid: number): void;
  /** Pids in the group now. */
  pids(): number[];
  /** CFS statistics: periods, periods throttled, time throttled (ns). */
  stat(): { periods: number; throttled: number; throttledNs: number };
};

const groups = new Set<CpuGroup>();

/** Why capped groups cannot be made here, or null when they can (root, cgroup v1 cpu controller). */
export function cpuGroupsUnavailable(): string | null {
  if (!fs.existsSync(path.join(V1_CPU, "cpu.cfs_quota_us")))
    return `no cgroup v1 cpu controller at ${V1_CPU} (cpu.cfs_quota_us)`;
  try {
    fs.accessSync(V1_CPU, fs.constants.W_OK);
  } catch {
    return `${V1_CPU} is not writable (run as root)`;
  }
  return null;
}

/** Removes empty groups of earlier runs (a group still holding processes cannot be removed, and is left). */
export function removeStale(): void {
  if (cpuGroupsUnavailable()) return;
  for (const name of fs.readdirSync(V1_CPU)) {
    if (!name.startsWith(PREFIX)) continue;
    try {
      fs.rmdirSync(path.join(V1_CPU, name));
    } catch {
      /* busy: its processes still run */
    }
  }
}

/** A new group allowed `cores` (e.g. 0.25) of CPU time per `periodUs`. */
export function createCpuGroup(cores: number, periodUs = 100_000): CpuGroup {
  const why = cpuGroupsUnavailable();
  if (why) throw new Error(`cannot cap CPU: ${why}`);
  if (!(cores > 0)) throw new Error(`a CPU quota must be above 0 cores, not ${cores}`);
  const name = `${PREFIX}${randomBytes(3).toString("hex")}-${groups.size + 1}`;
  const dir = path.join(V1_CPU, name);
  fs.mkdirSync(dir);
  const group: CpuGroup = {
    name,
    dir,
    add: (pid) => fs.writeFileSync(path.join(dir, "cgroup.procs"), String(pid)),
    pids: () => fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number),
    stat: () => {
      const text = fs.readFileSync(path.join(dir, "cpu.stat"), "utf8");
      const read = (key: string) => Number(new RegExp(`^${key} (\\d+)`, "m").exec(text)?.[1] ?? NaN);
      return { periods: read("nr_periods"), throttled: read("nr_throttled"), throttledNs: read("throttled_time") };
    },
  };
  groups.add(group);
  try {
    fs.writeFileSync(path.join(dir, "cpu.cfs_period_us"), String(Math.round(periodUs)));
    fs.writeFileSync(path.join(dir, "cpu.cfs_quota_us"), String(Math.max(1000, Math.round(cores * periodUs))));
  } catch (error) {
    removeGroup(group);
    throw error;
  }
  return group;
}

function removeGroup(group: CpuGroup): boolean {
  try {
    fs.rmdirSync(group.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return false;
  }
  groups.delete(group);
  return true;
}

/**
 * Removes every group this run made. Their processes must be stopped first; a process killed a moment
 * ago may still be leaving its group, so removal is retried for up to `waitMs` (synchronously: this also
 * runs from the exit handler).
 */
export function removeAll(waitMs = 2_000): string[] {
  const deadline = Date.now() + waitMs;
  for (;;) {
    for (const group of [...groups]) removeGroup(group);
    if (!groups.size || Date.now() >= deadline) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return [...groups].map((g) => g.dir);
}

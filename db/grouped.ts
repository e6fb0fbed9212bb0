import { channel } from "node:diagnostics_channel";

/**
 * Groups concurrent calls of one database step into one statement. A call made while no statement of
 * its lane is in flight goes at once, alone; the calls made while one is in flight wait for it and
 * then go together as the next one. Nothing waits on a timer, so a lone request pays nothing, and under
 * load one statement (one round trip, one plan, one commit) serves many requests.
 *
 * Lanes are per database handle and per `lane` key (calls that may share a statement: the same
 * integration's admission, any small bot's search, any exchange to store).
 *
 * Every statement is announced on the diagnostics channel GROUPED_CHANNEL as a GroupedEvent
 * (publishing costs nothing while nobody subscribes): tests and the benchmark count statements there.
 */
export type GroupOutcome<R> = { value: R } | { error: unknown };

export const GROUPED_CHANNEL = "parley:grouped";
/** A statement of a grouped step and the calls it carried, or a failed statement whose calls are re-run one by one. */
export type GroupedEvent = { name: string; kind: "statement" | "retry"; calls: number };
const statements = channel(GROUPED_CHANNEL);

export function grouped<Db extends object, T, R>({
  name,
  max,
  run,
  retryAlone = false,
}: {
  /** The step's name on GROUPED_CHANNEL. */
  name: string;
  /** At most this many calls in one statement (a bigger wave takes several, one after the other). */
  max: number;
  /** One statement for the calls, in arrival order: an outcome per call; a throw fails them all. */
  run: (db: Db, items: T[]) => Promise<GroupOutcome<R>[]>;
  /** When a statement of several calls throws, run each of them again alone, so one bad call fails alone. */
  retryAlone?: boolean;
}) {
  type Waiter = { item: T; resolve: (value: R) => void; reject: (error: unknown) => void };
  type Lane = { busy: boolean; waiting: Waiter[] };
  const lanesByDb = new WeakMap<Db, Map<string, Lane>>();

  async function statement(db: Db, items: T[]): Promise<GroupOutcome<R>[]> {
    if (statements.hasSubscribers)
      statements.publish({ name, kind: "statement", calls: items.length } satisfies GroupedEvent);
    try {
      return await run(db, items);
    } catch (error) {
      if (!retryAlone || items.length === 1) throw error;
      if (statements.hasSubscribers)
        statements.publish({ name, kind: "retry", calls: items.length } satisfies GroupedEvent);
      return Promise.all(
        items.map((item) =>
          run(db, [item]).then(
            (outcomes) => outcomes[0] ?? { error: new Error("grouped: no outcome for a call") },
            (e: unknown) => ({ error: e }),
          ),
        ),
      );
    }
  }

  async function drain(db: Db, lanes: Map<string, Lane>, key: string, lane: Lane): Promise<void> {
    lane.busy = true;
    try {
      while (lane.waiting.length) {
        const batch = lane.waiting.splice(0, max);
        try {
          const outcomes = await statement(
            db,
            batch.map((w) => w.item),
          );
          batch.forEach((w, i) => {
            const outcome = outcomes[i];
            if (!outcome) w.reject(new Error("grouped: no outcome for a call"));
            else if ("error" in outcome) w.reject(outcome.error);
            else w.resolve(outcome.value);
          });
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      lane.busy = false;
      lanes.delete(key);
    }
  }

  function call(db: Db, item: T, lane = ""): Promise<R> {
    let lanes = lanesByDb.get(db);
    if (!lanes) lanesByDb.set(db, (lanes = new Map()));
    let l = lanes.get(lane);
    if (!l) lanes.set(lane, (l = { busy: false, waiting: [] }));
    const current = l;
    const result = new Promise<R>((resolve, reject) => current.waiting.push({ item, resolve, reject }));
    if (!current.busy) void drain(db, lanes, lane, current);
    return result;
  }

  return { call };
}

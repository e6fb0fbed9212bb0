/**
 * Groups concurrent calls of one database step into one statement. A call made while no statement of
 * its lane is in flight goes at once, alone; the calls made while one is in flight wait for it and
 * then go together as the next one. Nothing waits on a timer, so a lone request pays nothing, and under
 * load one statement (one round trip, one plan, one commit) serves many requests.
 *
 * Lanes are per database handle and per `lane` key (calls that may share a statement: the same
 * integration's admission, any small bot's search, any exchange to store).
 */
export type GroupOutcome<R> = { value: R } | { error: unknown };

export function grouped<Db extends object, T, R>({
  max,
  run,
}: {
  /** At most this many calls in one statement (a bigger wave takes several, one after the other). */
  max: number;
  /** One statement for the calls, in arrival order: an outcome per call; a throw fails them all. */
  run: (db: Db, items: T[]) => Promise<GroupOutcome<R>[]>;
}) {
  type Waiter = { item: T; resolve: (value: R) => void; reject: (error: unknown) => void };
  type Lane = { busy: boolean; waiting: Waiter[] };
  const lanesByDb = new WeakMap<Db, Map<string, Lane>>();
  /** Statements sent and calls they served, since start (tests and benchmarks read them). */
  const stats = { statements: 0, calls: 0 };

  async function drain(db: Db, lanes: Map<string, Lane>, key: string, lane: Lane): Promise<void> {
    lane.busy = true;
    try {
      while (lane.waiting.length) {
        const batch = lane.waiting.splice(0, max);
        stats.statements++;
        stats.calls += batch.length;
        try {
          const outcomes = await run(
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

  return { call, stats };
}

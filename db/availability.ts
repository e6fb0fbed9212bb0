/**
 * Whether the PostgreSQL server can be reached, and failing fast while it cannot.
 *
 * postgres.js queues a query while its connections are (re)connecting and hands the queue one failed
 * connection attempt per query, with back-off between attempts: with the server down, requests waited
 * 30 to 50 s for their error. So the app's client sits behind a breaker: the first connection-class
 * error opens it, and while it is open every new statement fails at once with
 * DatabaseUnavailableError (the Chat API's 503), except one probe at a time, at most every
 * PROBE_INTERVAL_MS, whose success closes it again. Recovery needs no restart.
 */

/** Driver and server codes that mean "the server cannot be reached or is not accepting work now". */
const UNREACHABLE_CODES = new Set([
  "DATABASE_UNAVAILABLE", // the breaker's own refusal (drizzle wraps it, so it is known by its code)
  // Node sockets and DNS
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  // postgres.js
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting or stopping), connection_exception class
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);
/** Codes that make this request's answer "unavailable, retry soon" without the server being down. */
const OVERLOADED_CODES = new Set(["53300", "57014"]); // too_many_connections; statement_timeout (query_canceled)

export const PROBE_INTERVAL_MS = 250;

/** A statement refused without being sent: the database was unreachable a moment ago. */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";
  constructor() {
    super("The database is unreachable.");
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The error, or the one it wraps (drizzle wraps driver errors in its own, as `cause`), that has a code. */
function codes(error: unknown): string[] {
  const found: string[] = [];
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = codeOf(e);
    if (code) found.push(code);
  }
  return found;
}

/** Whether the server could not be reached (so the breaker opens). */
export function isConnectionError(error: unknown): boolean {
  return codes(error).some((c) => UNREACHABLE_CODES.has(c));
}

/** Whether a failure means "the database cannot serve this now" (503 + Retry-After) rather than a bug (500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return isConnectionError(error) || codes(error).some((c) => OVERLOADED_CODES.has(c));
}

/** The breaker of one connection pool. */
export class Breaker {
  /** Statements sent or queued and not yet answered (parley_db_statements_in_flight). */
  inFlight = 0;
  private openSince: number | null = null;
  private probing = false;
  private lastProbe = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get open(): boolean {
    return this.openSince !== null;
  }

  /** Before a statement: `"go"`, `"probe"` (let through, report its outcome), or refuse. */
  admit(): "go" | "probe" | "refuse" {
    if (this.openSince === null) return "go";
    if (this.probing || this.now() - this.lastProbe < PROBE_INTERVAL_MS) return "refuse";
    this.probing = true;
    this.lastProbe = this.now();
    return "probe";
  }

  succeeded(): void {
    this.openSince = null;
    this.probing = false;
  }

  failed(error: unknown, probe: boolean): void {
    if (probe) this.probing = false;
    if (isConnectionError(error)) this.openSince ??= this.now();
    else if (probe) this.succeeded(); // the server answered, even if with an error: it is reachable
  }
}

type PendingQuery = Promise<unknown> & {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  values?: () => PendingQuery;
};
type Client = {
  unsafe: (...args: unknown[]) => PendingQuery;
  begin: (...args: unknown[]) => Promise<unknown>;
};

/** A statement refused by an open breaker, shaped like postgres.js' pending query (drizzle may call `.values()`). */
function refused(): PendingQuery {
  const promise = Promise.reject(new DatabaseUnavailableError()) as PendingQuery;
  promise.values = () => promise;
  return promise;
}

/**
 * The postgres.js client behind `breaker`: drizzle's statements (`unsafe`) and transactions (`begin`)
 * go through it. A statement's outcome is read through its own resolve/reject (postgres.js' Query
 * keeps them as properties), so the query is not started early nor changed.
 *
 * `prepares(parameters)` says whether a statement outside a transaction runs as a named prepared statement
 * (drizzle asks postgres.js for unnamed ones, each parsed, described in a round trip of its own and planned
 * again on every call).
 */
export function guardClient<T extends object>(
  client: T,
  breaker: Breaker,
  prepares: (parameters: number) => boolean = () => false,
): T {
  const c = client as unknown as Client;
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "unsafe") {
        return (...args: unknown[]) => {
          const admitted = breaker.admit();
          if (admitted === "refuse") return refused();
          const [text, params = [], options] = args as [string, unknown[] | undefined, object | undefined];
          const query = c.unsafe(text, params, { ...options, prepare: prepares(params.length) });
          const probe = admitted === "probe";
          const { resolve, reject } = query;
          breaker.inFlight++;
          query.resolve = (value) => {
            breaker.inFlight--;
            breaker.succeeded();
            resolve(value);
          };
          query.reject = (error) => {
            breaker.inFlight--;
            breaker.failed(error, probe);
            reject(error);
          };
          return query;
        };
      }
      if (prop === "begin") {
        return (...args: unknown[]) => {
          const admitted = breaker.admit();
          if (admitted === "refuse") return Promise.reject(new DatabaseUnavailableError());
          return c.begin(...args).then(
            (value) => {
              breaker.succeeded();
              return value;
            },
            (error: unknown) => {
              breaker.failed(error, admitted === "probe");
              throw error;
            },
          );
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

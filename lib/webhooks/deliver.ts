import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { blockedAddressKind } from "@/lib/knowledge/fetch-url";
import { signWebhookPayload } from "./sign";

/** Attempts before a delivery is given up as failed. */
export const MAX_ATTEMPTS = 10;
/** Wait after the n-th failed attempt (index n - 1): 10 s, 30 s, 2 min, 10 min, 1 h, 2 h, 4 h, 8 h, 12 h (≈ 27 h in all). */
export const RETRY_DELAYS_SECONDS = [10, 30, 120, 600, 3600, 7200, 14_400, 28_800, 43_200] as const;
/** How long a claim lasts; a worker that dies mid-delivery loses it and another picks the delivery up. */
export const LEASE_SECONDS = 60;
export const DELIVERY_TIMEOUT_MS = 10_000;
const USER_AGENT = "Parley-Webhooks/1.0";

/** Seconds to wait after `attempts` failed attempts. */
export function retryDelaySeconds(attempts: number): number {
  return RETRY_DELAYS_SECONDS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_SECONDS.length) - 1]!;
}

export type DeliveryRunResult = { claimed: number; delivered: number; retried: number; failed: number };

export type DeliverOptions = {
  /** The scheduling clock (what is due, leases, back-off). Signatures always carry the real time. */
  now?: Date;
  /** Sends through this instead of Parley's own pinned HTTP client (tests); the address check still runs first. */
  fetchImpl?: typeof fetch;
  /** Deliveries claimed in one run, sent in parallel. */
  limit?: number;
  leaseSeconds?: number;
  timeoutMs?: number;
  /** Lets URLs resolve to private, loopback and link-local addresses; defaults to WEBHOOKS_ALLOW_PRIVATE=1. */
  allowPrivate?: boolean;
};

type Claimed = { id: number; event_id: string; event: string; payload: unknown; attempts: number; url: string; secret: string };
type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string; permanent?: boolean };

/**
 * Delivers what is due in the outbox: claims up to `limit` pending deliveries (FOR UPDATE SKIP LOCKED,
 * with a lease, so several workers never send the same one at once and a crashed worker's claim
 * runs out), POSTs each signed payload, and records the outcome: delivered on 2xx, otherwise
 * another attempt after a back-off, failed after {@link MAX_ATTEMPTS}. Only the oldest pending
 * delivery of an ordering key (a conversation) per webhook is ever claimed, so one conversation's
 * events arrive in order, one at a time. At least once: a receiver may see a retry of an event it
 * already got (same `Parley-Delivery`) if its 2xx was lost.
 */
export async function deliverDueWebhooks(db: Db, opts: DeliverOptions = {}): Promise<DeliveryRunResult> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? 10;
  const leaseUntil = new Date(now.getTime() + (opts.leaseSeconds ?? LEASE_SECONDS) * 1000);
  const allowPrivate = opts.allowPrivate ?? process.env.WEBHOOKS_ALLOW_PRIVATE === "1";

  const claimed = await queryRows<Claimed>(
    db,
    sql`
      with due as (
        select d.id
        from webhook_deliveries d
        join webhooks w on w.id = d.webhook_id
        where d.status = 'pending'
          and w.enabled
          and d.next_attempt_at <= ${now.toISOString()}::timestamptz
          and (d.locked_until is null or d.locked_until <= ${now.toISOString()}::timestamptz)
          and not exists (
            select 1 from webhook_deliveries e
            where d.ordering_key is not null
              and e.webhook_id = d.webhook_id
              and e.ordering_key = d.ordering_key
              and e.status = 'pending'
              and e.id < d.id
          )
        order by d.next_attempt_at, d.id
        limit ${limit}
        for update of d skip locked
      )
      update webhook_deliveries d
      set locked_until = ${leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1
      from due, webhooks w
      where d.id = due.id and w.id = d.webhook_id
      returning d.id, d.event_id, d.event, d.payload, d.attempts, w.url, w.secret`,
  );

  const result: DeliveryRunResult = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (delivery) => {
      const attempt = await attemptDelivery(delivery, { fetchImpl: opts.fetchImpl, timeoutMs: opts.timeoutMs ?? DELIVERY_TIMEOUT_MS, allowPrivate });
      const outcome = await recordAttempt(db, delivery, attempt, now);
      result[outcome]++;
    }),
  );
  return result;
}

/** Writes one attempt's outcome, unless the claim was lost (another worker took the delivery over after the lease ran out). */
async function recordAttempt(db: Db, d: Claimed, attempt: Attempt, now: Date): Promise<"delivered" | "retried" | "failed"> {
  const guard = sql`id = ${d.id} and status = 'pending' and attempts = ${d.attempts}`;
  if (attempt.ok) {
    await db.execute(sql`
      update webhook_deliveries
      set status = 'delivered', delivered_at = ${now.toISOString()}::timestamptz, locked_until = null,
          last_status_code = ${attempt.status}, last_error = null
      where ${guard}`);
    return "delivered";
  }
  const giveUp = attempt.permanent || d.attempts >= MAX_ATTEMPTS;
  const next = new Date(now.getTime() + retryDelaySeconds(d.attempts) * 1000);
  await db.execute(sql`
    update webhook_deliveries
    set status = ${giveUp ? "failed" : "pending"}::delivery_status,
        next_attempt_at = ${giveUp ? now.toISOString() : next.toISOString()}::timestamptz,
        locked_until = null, last_status_code = ${attempt.status}, last_error = ${attempt.error.slice(0, 500)}
    where ${guard}`);
  return giveUp ? "failed" : "retried";
}

/** The event as sent: the stored body with its fields in their documented order. */
export function deliveryBody(payload: unknown): string {
  const body = (typeof payload === "string" ? JSON.parse(payload) : payload) as Record<string, unknown>;
  const { id, type, created_at, workspace_id, data, ...rest } = body;
  return JSON.stringify({ id, type, created_at, workspace_id, data, ...rest });
}

async function attemptDelivery(
  d: Claimed,
  { fetchImpl, timeoutMs, allowPrivate }: { fetchImpl?: typeof fetch; timeoutMs: number; allowPrivate: boolean },
): Promise<Attempt> {
  let url: URL;
  try {
    url = new URL(d.url);
  } catch {
    return { ok: false, status: null, error: "The webhook URL is not valid.", permanent: true };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, status: null, error: "Only http and https URLs can receive webhooks.", permanent: true };

  const vetted = await resolveReceiver(url, allowPrivate);
  if (!vetted.ok) return { ok: false, status: null, error: vetted.error };

  const body = deliveryBody(d.payload);
  const headers = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "parley-event": d.event,
    "parley-delivery": d.event_id,
    "parley-signature": signWebhookPayload(d.secret, body),
  };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = fetchImpl
      ? await fetchResponse(fetchImpl, url, headers, body, signal)
      : await postPinned(url, vetted.addresses, headers, body, signal);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
    return { ok: false, status: response.status, error: `HTTP ${response.status}${redirect}${response.snippet ? `: ${response.snippet}` : ""}` };
  } catch (error) {
    if (signal.aborted) return { ok: false, status: null, error: `No response within ${timeoutMs / 1000} s.` };
    return { ok: false, status: null, error: networkError(error, url.hostname) };
  }
}

type Address = { address: string; family: number };

/** The receiver's addresses, resolved now; refused if any is private (it could be the one connected to) unless allowed. */
async function resolveReceiver(url: URL, allowPrivate: boolean): Promise<{ ok: true; addresses: Address[] } | { ok: false; error: string }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: Address[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch {
      return { ok: false, error: `${host} could not be resolved.` };
    }
    if (!addresses.length) return { ok: false, error: `${host} could not be resolved.` };
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const kind = blockedAddressKind(address);
      if (kind) return { ok: false, error: `Refused: ${host} resolves to ${kind} (${address}). Webhooks are only sent to public addresses.` };
    }
  }
  return { ok: true, addresses };
}

type Sent = { status: number; snippet: string };

async function fetchResponse(fetchImpl: typeof fetch, url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<Sent> {
  const res = await fetchImpl(url, { method: "POST", headers, body, redirect: "manual", signal });
  let snippet = "";
  try {
    snippet = (await res.text()).slice(0, 200);
  } catch {
    // the status is what matters
  }
  return { status: res.status, snippet: oneLine(snippet) };
}

/** POSTs to the vetted addresses only (a second DNS answer could point somewhere private); Host and SNI come from the URL. */
function postPinned(url: URL, addresses: Address[], headers: Record<string, string>, body: string, signal: AbortSignal): Promise<Sent> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const matching = addresses.filter((a) => !family || a.family === family);
    const usable = matching.length ? matching : addresses;
    if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<Sent>((resolve, reject) => {
    const request = client.request(
      url,
      { method: "POST", agent: false, lookup: pinned, signal, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < 1024) chunks.push(chunk);
          size += chunk.length;
          if (size > 64 * 1024) response.destroy(); // nobody needs a large answer to a webhook
        });
        const done = () => resolve({ status: response.statusCode ?? 0, snippet: oneLine(Buffer.concat(chunks).toString("utf8").slice(0, 200)) });
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function networkError(error: unknown, host: string): string {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (code === "ECONNREFUSED") return `${host} refused the connection.`;
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return `${host} closed the connection unexpectedly.`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${host} could not be reached.`;
  if (typeof code === "string" && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO/.test(code)) return `The secure connection to ${host} failed (${code}).`;
  return `The request to ${host} failed${typeof code === "string" ? ` (${code})` : ""}.`;
}

/**
 * Whether a URL may receive webhooks now: refused when its host resolves to a private, loopback or
 * link-local address (unless WEBHOOKS_ALLOW_PRIVATE=1). A host that does not resolve yet is
 * accepted; deliveries check again every time.
 */
export async function checkWebhookTarget(rawUrl: string, allowPrivate = process.env.WEBHOOKS_ALLOW_PRIVATE === "1"): Promise<{ ok: true } | { ok: false; reason: string }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, reason: "That is not a valid URL." };
  }
  if (allowPrivate) return { ok: true };
  const resolved = await resolveReceiver(url, false);
  if (resolved.ok || /could not be resolved/.test(resolved.error)) return { ok: true };
  return { ok: false, reason: resolved.error };
}

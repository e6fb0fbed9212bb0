import type { Db } from "@/db";
import { claimDueDeliveries, markAttemptFailed, markDelivered, type ClaimedDelivery } from "@/db/queries/webhooks";
import {
  networkErrorCode,
  networkErrorReason,
  readBodyCapped,
  requestPinned,
  resolveHost,
  type Address,
} from "@/lib/http/outbound";
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

  const claimed = await claimDueDeliveries(db, { now, leaseUntil, limit });

  const result: DeliveryRunResult = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (delivery) => {
      const attempt = await attemptDelivery(delivery, {
        fetchImpl: opts.fetchImpl,
        timeoutMs: opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
        allowPrivate,
      });
      const outcome = await recordAttempt(db, delivery, attempt, now);
      result[outcome]++;
    }),
  );
  return result;
}

/** Writes one attempt's outcome: delivered, another attempt after a back-off, or failed for good. */
async function recordAttempt(
  db: Db,
  d: ClaimedDelivery,
  attempt: Attempt,
  now: Date,
): Promise<"delivered" | "retried" | "failed"> {
  if (attempt.ok) {
    await markDelivered(db, d, { at: now, statusCode: attempt.status });
    return "delivered";
  }
  const giveUp = attempt.permanent || d.attempts >= MAX_ATTEMPTS;
  const next = new Date(now.getTime() + retryDelaySeconds(d.attempts) * 1000);
  await markAttemptFailed(db, d, {
    giveUp,
    nextAttemptAt: giveUp ? now : next,
    statusCode: attempt.status,
    error: attempt.error.slice(0, 500),
  });
  return giveUp ? "failed" : "retried";
}

/** The event as sent: the stored body with its fields in their documented order. */
export function deliveryBody(payload: unknown): string {
  const body = (typeof payload === "string" ? JSON.parse(payload) : payload) as Record<string, unknown>;
  const { id, type, created_at, workspace_id, data, ...rest } = body;
  return JSON.stringify({ id, type, created_at, workspace_id, data, ...rest });
}

async function attemptDelivery(
  d: ClaimedDelivery,
  { fetchImpl, timeoutMs, allowPrivate }: { fetchImpl?: typeof fetch; timeoutMs: number; allowPrivate: boolean },
): Promise<Attempt> {
  let url: URL;
  try {
    url = new URL(d.url);
  } catch {
    return { ok: false, status: null, error: "The webhook URL is not valid.", permanent: true };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { ok: false, status: null, error: "Only http and https URLs can receive webhooks.", permanent: true };

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
    return {
      ok: false,
      status: response.status,
      error: `HTTP ${response.status}${redirect}${response.snippet ? `: ${response.snippet}` : ""}`,
    };
  } catch (error) {
    if (signal.aborted) return { ok: false, status: null, error: `No response within ${timeoutMs / 1000} s.` };
    return { ok: false, status: null, error: networkError(error, url.hostname) };
  }
}

/** The receiver's addresses, resolved now; refused if any is private (it could be the one connected to) unless allowed. */
async function resolveReceiver(
  url: URL,
  allowPrivate: boolean,
): Promise<{ ok: true; addresses: Address[] } | { ok: false; error: string }> {
  const resolved = await resolveHost(url, allowPrivate ? "any" : "public");
  if (resolved.ok) return { ok: true, addresses: resolved.addresses };
  if (resolved.problem === "unresolved") return { ok: false, error: `${resolved.host} could not be resolved.` };
  return {
    ok: false,
    error: `Refused: ${resolved.host} resolves to ${resolved.kind} (${resolved.address}). Webhooks are only sent to public addresses.`,
  };
}

type Sent = { status: number; snippet: string };

async function fetchResponse(
  fetchImpl: typeof fetch,
  url: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<Sent> {
  const res = await fetchImpl(url, { method: "POST", headers, body, redirect: "manual", signal });
  let snippet = "";
  try {
    snippet = (await res.text()).slice(0, 200);
  } catch {
    // the status is what matters
  }
  return { status: res.status, snippet: oneLine(snippet) };
}

/** POSTs to the vetted addresses only; nobody needs a large answer to a webhook, so at most 64 KiB of it is read. */
async function postPinned(
  url: URL,
  addresses: Address[],
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<Sent> {
  const response = await requestPinned(url, addresses, { method: "POST", headers, body, signal });
  const read = await readBodyCapped(response, 64 * 1024).catch(() => null);
  const text = read ? (read.ok ? read.bytes : read.head).subarray(0, 1024).toString("utf8") : "";
  return { status: response.statusCode ?? 0, snippet: oneLine(text.slice(0, 200)) };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function networkError(error: unknown, host: string): string {
  const code = networkErrorCode(error);
  return networkErrorReason(error, host) ?? `The request to ${host} failed${code ? ` (${code})` : ""}.`;
}

/**
 * Whether a URL may receive webhooks now: refused when its host resolves to a private, loopback or
 * link-local address (unless WEBHOOKS_ALLOW_PRIVATE=1). A host that does not resolve yet is
 * accepted; deliveries check again every time.
 */
export async function checkWebhookTarget(
  rawUrl: string,
  allowPrivate = process.env.WEBHOOKS_ALLOW_PRIVATE === "1",
): Promise<{ ok: true } | { ok: false; reason: string }> {
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

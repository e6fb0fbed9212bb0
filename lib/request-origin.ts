import { headers } from "next/headers";

/** The origin users reach this deployment at: PUBLIC_BASE_URL when set, otherwise the request's own. */
export async function requestOrigin(): Promise<string> {
  const configured = process.env.PUBLIC_BASE_URL?.replace(/\/+$/, "");
  if (configured) return configured;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? `localhost:${process.env.PORT || 3000}`;
  const proto =
    h.get("x-forwarded-proto")?.split(",")[0]?.trim() ??
    (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}`;
}

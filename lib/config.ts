/** The public origin of this deployment for URLs shown to users (endpoint URLs, seed output). */
export function publicBaseUrl(fallbackOrigin?: string): string {
  const configured = process.env.PUBLIC_BASE_URL?.replace(/\/+$/, "");
  if (configured) return configured;
  return fallbackOrigin ?? `http://localhost:${process.env.PORT || 3000}`;
}

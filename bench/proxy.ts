/**
 * A tiny round-robin TCP proxy for the scale-out measure (bench/run.ts, measure 4): each incoming
 * connection goes to the next target in turn and is piped both ways until either side closes.
 * Keep-alive connections therefore stay on one app process, as behind a layer-4 load balancer.
 *
 *   npx tsx bench/proxy.ts --port 4000 --target 127.0.0.1:3001 --target 127.0.0.1:3002
 *
 * Listens on 127.0.0.1 only; prints one line once it listens.
 */
import net from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export type Target = { host: string; port: number };

export function startProxy(port: number, targets: Target[]): Promise<net.Server> {
  if (!targets.length) throw new Error("at least one --target host:port");
  let next = 0;
  const server = net.createServer((client) => {
    const target = targets[next++ % targets.length]!;
    const upstream = net.connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function parseTarget(value: string): Target {
  const m = /^([^:]+):(\d+)$/.exec(value);
  if (!m) throw new Error(`--target must be host:port, not ${value}`);
  return { host: m[1]!, port: Number(m[2]) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string" }, target: { type: "string", multiple: true } } });
  const targets = (values.target ?? []).map(parseTarget);
  const server = await startProxy(Number(values.port ?? 0), targets);
  const { port } = server.address() as net.AddressInfo;
  console.log(`proxy listening on 127.0.0.1:${port} → ${targets.map((t) => `${t.host}:${t.port}`).join(", ")}`);
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

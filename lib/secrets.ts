import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

export class ConfigError extends Error {}

/**
 * Makes sure AUTH_SECRET is set. In development, or on the embedded database, a missing secret is
 * generated once and kept in `.data/auth-secret` so sessions survive restarts. In production on
 * PostgreSQL the app may run as several instances that must share one secret, so a missing one is
 * a configuration error.
 */
export function ensureAuthSecret({
  production,
  embedded,
  dataDir = path.join(/*turbopackIgnore: true*/ process.cwd(), ".data"),
}: {
  production: boolean;
  embedded: boolean;
  dataDir?: string;
}): "env" | "file" | "generated" {
  if (process.env.AUTH_SECRET) return "env";
  if (production && !embedded) {
    throw new ConfigError(
      "AUTH_SECRET is not set. In production on PostgreSQL every app instance must sign sessions with the same " +
        "secret: generate one with `openssl rand -base64 33` and set AUTH_SECRET in the environment.",
    );
  }
  const file = path.join(dataDir, "auth-secret");
  if (fs.existsSync(file)) {
    process.env.AUTH_SECRET = fs.readFileSync(file, "utf8").trim();
    return "file";
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(33).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  process.env.AUTH_SECRET = secret;
  return "generated";
}

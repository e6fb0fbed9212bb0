import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Neither package exports its package.json, so read the installed files.
const manifest = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(process.cwd(), "node_modules", name, "package.json"), "utf8"));

describe("the embedded database's pgvector", () => {
  // pgvector for PGlite is a WASM side module built against one PGlite release; loaded into another it
  // corrupted memory and imports hung (session 19). package.json must pin the pair its package names.
  it("is the build made for the PGlite that is installed", () => {
    const pglite = manifest("@electric-sql/pglite") as { version: string };
    const pgvector = manifest("@electric-sql/pglite-pgvector") as { peerDependencies: Record<string, string> };
    expect(pgvector.peerDependencies["@electric-sql/pglite"]).toBe(pglite.version);
  });
});

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTION_LABELS, auditActionLabel, auditChangesText } from "@/lib/audit";

const ROOT = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "migrations" ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

/** Every action an audit entry is written with: `action: "x.y"`, including both sides of a ternary. */
function auditedActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of ["app", "lib", "db"].flatMap(sourceFiles)) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const statement of text.matchAll(/\baction:\s*([^,\n}]+)/g)) {
      for (const [, action] of statement[1]!.matchAll(/"([a-z_]+\.[a-z_]+)"/g)) found.set(action!, file);
    }
  }
  return found;
}

describe("audit log labels", () => {
  it("finds the audited actions in the source (the scan itself works)", () => {
    const actions = auditedActions();
    expect(actions.get("integration.key_rolled")).toBe("db/queries/integrations.ts");
    expect(actions.has("conversation.resolved")).toBe(true); // the other side of a ternary
    expect(actions.size).toBeGreaterThan(20);
  });

  it("gives every audited action a label", () => {
    const missing = [...auditedActions()].filter(([action]) => !(action in AUDIT_ACTION_LABELS));
    expect(missing.map(([action, file]) => `${action} (${file})`)).toEqual([]);
    for (const action of auditedActions().keys()) expect(auditActionLabel(action)).not.toBe(action);
  });

  it("reads settings made of parts as words, not JSON", () => {
    expect(
      auditChangesText(
        { leadCapture: { enabled: false, askAfter: 3 } },
        { leadCapture: { enabled: true, askAfter: 5 } },
      ),
    ).toBe("Lead capture: off → on; Lead capture: Ask after: 3 → 5");
    expect(auditChangesText({ status: "handoff_requested" }, { status: "resolved" })).toBe(
      "Status: Waiting for team → Resolved",
    );
    expect(auditChangesText(null, { fields: { email: "required" } })).toBe("Fields: Email: required");
  });
});

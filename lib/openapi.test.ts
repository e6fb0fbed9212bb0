import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { API_ERRORS } from "@/lib/chat/api-error";
import { openApiDocument } from "./openapi";

describe("OpenAPI document", () => {
  const doc = openApiDocument("https://chat.example.com");

  it("is OpenAPI 3.1 and names the key pattern for secret scanners", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.description).toContain("sk-parley_[0-9A-Za-z]{38}");
  });

  it("documents every error code the API can return, under its status", () => {
    const statuses = doc.paths["/chat/custom/{integrationId}"].post.responses as Record<
      string,
      { description: string }
    >;
    // Only the feedback endpoint answers message_not_found; the chat endpoint answers every other code.
    const feedback = doc.paths["/chat/custom/{integrationId}/messages/{messageId}/feedback"].post.responses as Record<
      string,
      { description: string }
    >;
    for (const [code, [status]] of Object.entries(API_ERRORS)) {
      const where = code === "message_not_found" ? feedback : statuses;
      expect(where[String(status)]?.description, `${code} (${status})`).toContain(code);
    }
  });

  it("describes every method of every public Chat API route (app/chat), with a 400 for those that take input", () => {
    const root = join(process.cwd(), "app/chat");
    const routes = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("route.ts"));
    expect(routes.length).toBeGreaterThan(5);
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    for (const file of routes) {
      const path = `/chat/${relative(root, join(root, file)).replace(/\/?route\.ts$/, "")}`.replace(
        /\[(\w+)\]/g,
        "{$1}",
      );
      // Real handlers are `export async function METHOD`; 405 answers are `export const METHOD = …`.
      const methods = [...readFileSync(join(root, file), "utf8").matchAll(/^export async function (\w+)/gm)]
        .map((m) => m[1]!.toLowerCase())
        .filter((m) => m !== "options");
      for (const method of methods) {
        expect(paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
        expect(Object.keys(paths[path]![method]!.responses), `${method.toUpperCase()} ${path}`).toContain("401");
      }
    }
  });

  it("documents the bad-input answer of erasure", () => {
    const erase = doc.paths["/chat/custom/{integrationId}/users/{userId}"].delete;
    expect(erase.responses["400"].description).toContain("invalid_field");
  });

  it("documents the bad-input answer of the list of conversations", () => {
    const list = doc.paths["/chat/custom/{integrationId}/conversations"].get;
    expect(list.responses["400"].description).toContain("invalid_field");
    expect(list.parameters.map((p) => ("name" in p ? p.name : p.$ref))).toEqual([
      "#/components/parameters/IntegrationId",
      "user_id",
      "since",
      "limit",
      "cursor",
    ]);
  });

  it("describes feedback on a reply for the Custom API and the widget with one request schema", () => {
    for (const path of [
      "/chat/custom/{integrationId}/messages/{messageId}/feedback",
      "/chat/widget/{integrationId}/messages/{messageId}/feedback",
    ] as const) {
      const op = doc.paths[path].post;
      expect(op.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/FeedbackRequest");
      expect(op.responses["404"].description).toContain("message_not_found");
    }
    expect(doc.components.schemas.FeedbackRequest.properties.rating.enum).toEqual(["up", "down"]);
  });
});

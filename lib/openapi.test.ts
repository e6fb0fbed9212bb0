import { describe, expect, it } from "vitest";
import { API_ERRORS } from "@/lib/chat/api-error";
import { openApiDocument } from "./openapi";

describe("OpenAPI document", () => {
  const doc = openApiDocument("https://chat.example.com");

  it("is OpenAPI 3.1 and names the key pattern for secret scanners", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.description).toContain("sk-parley_[0-9A-Za-z]{38}");
  });

  it("documents every error code the API can return", () => {
    const statuses = doc.paths["/chat/custom/{integrationId}"].post.responses as Record<string, { description: string }>;
    for (const [code, [status]] of Object.entries(API_ERRORS)) {
      expect(statuses[String(status)]?.description, `${code} (${status})`).toContain(code);
    }
  });
});

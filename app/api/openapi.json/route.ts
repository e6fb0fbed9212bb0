import { openApiDocument } from "@/lib/openapi";
import { publicBaseUrl } from "@/lib/config";

export function GET(req: Request) {
  return Response.json(openApiDocument(publicBaseUrl(new URL(req.url).origin)), {
    headers: { "cache-control": "public, max-age=300" },
  });
}

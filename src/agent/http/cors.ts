import type { IncomingMessage, ServerResponse } from "node:http";

/** Parses OSv's --access-allow value: comma-separated origins; `true` means `*`, `false` none. */
export function parseAccessAllow(value: string | undefined): string[] {
  if (value === undefined || value === "" || value === "false") return [];
  if (value === "true") return ["*"];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Adds OSv's CORS headers for the first allowed entry that is `*` or the request's Origin. */
export function applyCors(allow: readonly string[], req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  const entry = allow.find((a) => a === "*" || a === origin);
  if (!entry) return;
  res.setHeader("Access-Control-Allow-Origin", entry);
  res.setHeader("Access-Control-Max-Age", "1000");
  if (entry !== "*") res.setHeader("Vary", "Origin");
  if (req.headers["access-control-request-method"]) {
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS, DELETE");
  }
  const requested = req.headers["access-control-request-headers"];
  if (requested) res.setHeader("Access-Control-Allow-Headers", requested);
}

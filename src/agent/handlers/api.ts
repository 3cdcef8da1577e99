import { ApiError } from "../http/api-error.ts";
import type { Handler } from "../http/handler.ts";
import { parseMultipart } from "../http/multipart.ts";
import { json, raw } from "../http/reply.ts";

interface BatchCall {
  method: string;
  relative_url: string;
}

/** Reads the batch list. OSv's hand-written parser also takes single quotes; we accept those too. */
export function parseBatch(text: string): BatchCall[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON.parse(text.replace(/'/g, '"'));
    } catch {
      throw new ApiError(400, "Bad batch request, the item list is not valid");
    }
  }
  if (!Array.isArray(value)) throw new ApiError(400, "Bad batch request, the item list was not opened");
  return value.map((item: unknown, i) => {
    const call = item as Partial<BatchCall> | null;
    if (!call || typeof call.relative_url !== "string") {
      throw new ApiError(400, `Bad batch request, missing entry relative_url in item ${i}`);
    }
    const url = call.relative_url.startsWith("/") ? call.relative_url : `/${call.relative_url}`;
    return { method: typeof call.method === "string" ? call.method : "GET", relative_url: url };
  });
}

export const apiHandlers: Readonly<Record<string, Handler>> = {
  api_batch: async ({ headers, body, query, dispatch }) => {
    const type = String(headers["content-type"] ?? "");
    const field = /^multipart\//i.test(type)
      ? parseMultipart(type, body)
          .find((p) => p.name === "batch")
          ?.data.toString("utf8")
      : (query.get("batch") ?? undefined);
    if (!field) throw new ApiError(400, "Missing mandatory parameter 'batch'");
    // Validated as a whole before anything runs, then run one after another, as OSv does.
    const calls = parseBatch(field);
    const parts: string[] = [];
    for (const call of calls) {
      const reply = await dispatch(call.method, call.relative_url);
      // JSON bodies go in unchanged as OSv does; other bodies (file contents) become JSON strings so the
      // batch reply stays valid JSON, where OSv would emit them raw.
      const isJson = reply.contentType === "application/json" && reply.body.length > 0;
      const text = isJson ? reply.body.toString("utf8") : JSON.stringify(reply.body.toString("utf8"));
      parts.push(`{"code": ${reply.status}, "body": ${text}}`);
    }
    return raw(Buffer.from(`[${parts.join(", ")}]`), "application/json");
  },
  stop_api: ({ ctx }) => {
    ctx.onPower("stop-api");
    return json("");
  },
};

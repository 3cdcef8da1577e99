import type { AgentContext } from "../context.ts";
import { apiHandlers } from "../handlers/api.ts";
import { appHandlers } from "../handlers/app.ts";
import { envHandlers } from "../handlers/env.ts";
import { fileHandlers } from "../handlers/file.ts";
import { fsHandlers } from "../handlers/fs.ts";
import { hardwareHandlers } from "../handlers/hardware.ts";
import { networkHandlers } from "../handlers/network.ts";
import { osHandlers } from "../handlers/os.ts";
import { traceHandlers } from "../handlers/trace.ts";
import { listingsFor } from "../listings.ts";
import { toApiError } from "./api-error.ts";
import type { Handler } from "./handler.ts";
import { encodeReply } from "./reply.ts";
import { checkQuery, Router, routedMethod } from "./router.ts";

const HANDLERS: Readonly<Record<string, Handler>> = {
  ...apiHandlers,
  ...appHandlers,
  ...envHandlers,
  ...fileHandlers,
  ...fsHandlers,
  ...hardwareHandlers,
  ...networkHandlers,
  ...osHandlers,
  ...traceHandlers,
};

export interface ApiRequest {
  readonly method: string;
  /** Path and query, already checked for `..` and bad escapes. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

const errorBody = (status: number, message: string): ApiResponse => ({
  status,
  body: Buffer.from(JSON.stringify({ message, code: status })),
  contentType: "application/json",
});

/** Routes API calls (not /api-doc) to handlers; used by the HTTP server and by /api/batch. */
export class ApiHandler {
  readonly router: Router;
  private readonly ctx: AgentContext;

  constructor(ctx: AgentContext, options: { readOnly: boolean }) {
    this.ctx = ctx;
    this.router = new Router(listingsFor(options));
    for (const route of this.router.routes) {
      if (!HANDLERS[route.operation.nickname]) throw new Error(`no handler for ${route.operation.nickname}`);
    }
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    const url = new URL(req.url, "http://agent");
    const query = new URLSearchParams(url.searchParams);
    const type = String(req.headers["content-type"] ?? "");
    // freq.py and other clients send query parameters as a form body; URL values win on conflict.
    if (/^application\/x-www-form-urlencoded/i.test(type)) {
      for (const [k, v] of new URLSearchParams(req.body.toString("utf8"))) if (!query.has(k)) query.set(k, v);
    }
    const path = decodeURIComponent(url.pathname);
    const match = this.router.match(routedMethod(req.method), path);
    if (!match) return errorBody(404, "Not found");
    try {
      checkQuery(match.route.operation, query);
      const handler = HANDLERS[match.route.operation.nickname]!;
      const reply = await handler({
        pathParams: match.pathParams,
        query,
        headers: req.headers,
        body: req.body,
        ctx: this.ctx,
        dispatch: (method, relativeUrl) =>
          this.handle({ method, url: relativeUrl, headers: {}, body: Buffer.alloc(0) }),
      });
      return { status: 200, ...encodeReply(reply) };
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.status >= 500) process.stderr.write(`agent: ${req.method} ${path}: ${apiError.message}\n`);
      return errorBody(apiError.status, apiError.message);
    }
  }
}

import type { AgentContext } from "../context.ts";
import type { Reply } from "./reply.ts";

/** The parsed request a handler sees: path parameters as matched, query merged with a form body. */
export interface HandlerRequest {
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly ctx: AgentContext;
  /** Runs another API call through the router (for /api/batch). */
  readonly dispatch: (
    method: string,
    url: string,
  ) => Promise<{ status: number; body: Buffer; contentType: string | undefined }>;
}

export type Handler = (req: HandlerRequest) => Promise<Reply> | Reply;

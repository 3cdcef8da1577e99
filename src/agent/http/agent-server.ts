import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { AgentContext } from "../context.ts";
import { apiDocIndex, apiDocListing } from "../docs/api-doc.ts";
import { apiPage } from "../docs/api-page.ts";
import { openApiDocument } from "../docs/openapi.ts";
import { listingsFor } from "../listings.ts";
import { ApiHandler } from "./api-handler.ts";
import { applyCors } from "./cors.ts";

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

export interface AgentServerOptions {
  readonly host: string;
  readonly port: number;
  readonly readOnly: boolean;
  readonly accessAllow: readonly string[];
  /** Largest request body accepted, in bytes. */
  readonly maxBody: number;
  readonly tls: TlsFiles | undefined;
  readonly ctx: AgentContext;
}

const HTML_400 = "<html><head><title>Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>";

/** OSv answers malformed paths (no leading slash, `..`, bad escapes) with a stock HTML 400. */
function badPath(rawUrl: string): boolean {
  const path = rawUrl.split("?")[0] ?? "";
  if (!path.startsWith("/")) return true;
  try {
    return decodeURIComponent(path).split("/").includes("..") || path.split("/").includes("..");
  } catch {
    return true;
  }
}

function send(res: ServerResponse, status: number, body: Buffer | string, contentType?: string): void {
  const data = typeof body === "string" ? Buffer.from(body) : body;
  res.statusCode = status;
  res.setHeader("Content-Length", data.length);
  if (contentType && data.length > 0) res.setHeader("Content-Type", contentType);
  res.end(data);
}

function errorJson(res: ServerResponse, status: number, message: string): void {
  send(res, status, JSON.stringify({ message, code: status }), "application/json");
}

/** Reads the body up to `limit` bytes; undefined when it is larger (the caller answers 413). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The agent's HTTP(S) server: /api-doc, /openapi.json, /api-ui, and the API itself. */
export class AgentServer {
  readonly server: Server;
  readonly api: ApiHandler;
  private readonly options: AgentServerOptions;

  constructor(options: AgentServerOptions) {
    this.options = options;
    this.api = new ApiHandler(options.ctx, { readOnly: options.readOnly });
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      this.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent) errorJson(res, 500, (error as Error).message);
        else res.destroy();
      });
    };
    this.server = options.tls
      ? createTlsServer(
          {
            cert: options.tls.cert,
            key: options.tls.key,
            ca: options.tls.ca,
            // As OSv's --ssl: TLS 1.2+, and a client certificate signed by the CA is mandatory.
            requestCert: true,
            rejectUnauthorized: true,
            minVersion: "TLSv1.2",
          },
          listener,
        )
      : createServer(listener);
    this.server.headersTimeout = 30_000;
    this.server.requestTimeout = 120_000;
  }

  get protocol(): "http" | "https" {
    return this.options.tls ? "https" : "http";
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    applyCors(this.options.accessAllow, req, res);
    if (badPath(rawUrl)) {
      req.resume();
      send(res, 400, HTML_400, "text/html");
      return;
    }
    if (req.method === "OPTIONS") {
      req.resume();
      send(res, 200, "");
      return;
    }
    const body = await readBody(req, this.options.maxBody);
    if (!body) {
      errorJson(res, 413, `Request body larger than the agent's limit of ${this.options.maxBody} bytes`);
      return;
    }
    const path = rawUrl.split("?")[0]!.replace(/(.)\/$/, "$1");
    const listings = listingsFor({ readOnly: this.options.readOnly });
    const host = req.headers.host ?? `${this.options.host}:${this.options.port}`;
    if (path === "/api-doc") {
      send(res, 200, JSON.stringify(apiDocIndex(listings)), "application/json");
      return;
    }
    if (path.startsWith("/api-doc/")) {
      const listing = listings[path.slice("/api-doc/".length)];
      if (!listing) errorJson(res, 404, "Not found");
      else send(res, 200, apiDocListing(listing, { host, protocol: this.protocol }), "application/json");
      return;
    }
    if (path === "/openapi.json") {
      send(
        res,
        200,
        JSON.stringify(openApiDocument(listings, `${this.protocol}://${host}`)),
        "application/json",
      );
      return;
    }
    if (path === "/api-ui") {
      send(res, 200, apiPage(listings), "text/html");
      return;
    }
    const reply = await this.api.handle({
      method: req.method ?? "GET",
      url: rawUrl,
      headers: req.headers,
      body,
    });
    send(res, reply.status, reply.body, reply.contentType);
  }
}

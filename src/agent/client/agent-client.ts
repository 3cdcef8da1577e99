import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { MpmError } from "../../errors/mpm-error.ts";

export interface ClientTlsOptions {
  /** Client certificate and key (PEM): their presence switches to https, as OSv's client.py. */
  readonly cert: string;
  readonly key: string;
  /** CA to verify the agent's certificate; without it verification is off only if noVerify is set. */
  readonly cacert: string | undefined;
  readonly noVerify: boolean;
}

export interface ClientResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Parses `host`, `host:port`, `[v6]:port` or a full http(s) URL; the port defaults to OSv's 8000. */
export function parseTarget(target: string, options: { https: boolean }): URL {
  const withScheme = /^https?:\/\//.test(target) ? target : `${options.https ? "https" : "http"}://${target}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (cause) {
    throw new MpmError("MPM_E_AGENT_CONFIG", `Bad agent address ${target}`, {
      hint: "Give host, host:port or http(s)://host:port",
      cause,
    });
  }
  if (!url.port) url.port = "8000";
  return url;
}

const readPem = (path: string, flag: string): Buffer => {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new MpmError("MPM_E_AGENT_CONFIG", `Cannot read ${flag} file ${path}`, {
      hint: "Check the path",
      cause,
    });
  }
};

/** A small client of the agent's API over http or https with a client certificate; every call is bounded. */
export class AgentClient {
  readonly base: URL;
  private readonly tls:
    | { cert: Buffer; key: Buffer; ca: Buffer | undefined; rejectUnauthorized: boolean }
    | undefined;
  private readonly timeoutMs: number;

  constructor(target: string, options: { tls?: ClientTlsOptions | undefined; timeoutMs?: number } = {}) {
    this.base = parseTarget(target, { https: options.tls !== undefined });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const tls = options.tls;
    this.tls = tls && {
      cert: readPem(tls.cert, "--cert"),
      key: readPem(tls.key, "--key"),
      ca: tls.cacert ? readPem(tls.cacert, "--cacert") : undefined,
      rejectUnauthorized: !tls.noVerify,
    };
  }

  get label(): string {
    return this.base.host;
  }

  request(
    method: string,
    path: string,
    options: { body?: Buffer | string; headers?: Record<string, string> } = {},
  ): Promise<ClientResponse> {
    // The path goes out as given (no URL normalisation), so callers can send exactly what they mean.
    const target = {
      protocol: this.base.protocol,
      hostname: this.base.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: this.base.port,
      path,
    };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string | number> = { ...options.headers };
    if (body) headers["Content-Length"] = body.length;
    const send = this.base.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        { ...target, method, headers, timeout: this.timeoutMs, ...(this.tls ?? {}), agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on("error", (cause: Error) =>
        reject(
          new MpmError(
            "MPM_E_AGENT_UNREACHABLE",
            `Cannot reach the agent at ${this.base.origin}: ${cause.message}`,
            {
              hint: "Check host and port, that the agent runs, and the TLS options (--cert, --key, --cacert)",
              cause,
            },
          ),
        ),
      );
      req.end(body);
    });
  }

  /** Sends a request and returns the parsed JSON body; error statuses and non-JSON answers throw. */
  async json(
    method: string,
    path: string,
    options: { form?: Record<string, string> } = {},
  ): Promise<unknown> {
    const form = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const res = await this.request(method, path, {
      ...(form !== undefined
        ? { body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } }
        : {}),
    });
    let value: unknown;
    try {
      value = res.body.length === 0 ? "" : JSON.parse(res.body.toString("utf8"));
    } catch (cause) {
      throw new MpmError(
        "MPM_E_AGENT_BAD_REPLY",
        `${method} ${path} on ${this.base.origin} did not answer JSON`,
        {
          hint: "Is this port an mpm or OSv agent?",
          cause,
        },
      );
    }
    if (res.status >= 400) {
      const message = (value as { message?: unknown })?.message;
      throw new MpmError(
        "MPM_E_AGENT_REQUEST",
        `${method} ${path}: ${res.status} ${typeof message === "string" ? message : ""}`.trim(),
        {
          details: { status: res.status },
        },
      );
    }
    return value;
  }

  get(path: string): Promise<unknown> {
    return this.json("GET", path);
  }
}

import type { AgentClient, ClientResponse } from "../../src/agent/client/agent-client.ts";
import { checkValue } from "../../src/agent/conformance/check-value.ts";
import { allModels, FULL_LISTINGS, type SwaggerOperation } from "../../src/agent/listings.ts";

/** One live call of an operation and what its answer must be. */
interface Case {
  readonly nickname: string;
  readonly method: string;
  readonly path: string;
  readonly form?: Record<string, string>;
  readonly multipart?: { name: string; filename?: string; data: string };
  /** raw: the body is file content, not JSON; empty: OSv sends no body. */
  readonly body?: "json" | "raw" | "empty";
  readonly check?: (value: unknown, res: ClientResponse) => string[];
  /** The real answer's type where the listing's says only "string" (file status operations). */
  readonly type?: { type: string; items?: { type: string } };
}

const multipartBody = (part: NonNullable<Case["multipart"]>): { body: string; type: string } => {
  const boundary = "mpmconformance";
  const filename = part.filename ? `; filename="${part.filename}"` : "";
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n\r\n${part.data}\r\n--${boundary}--\r\n`,
  };
};

function operations(): Map<string, { op: SwaggerOperation; path: string }> {
  const map = new Map<string, { op: SwaggerOperation; path: string }>();
  for (const listing of Object.values(FULL_LISTINGS)) {
    for (const api of listing.apis)
      for (const op of api.operations) map.set(op.nickname, { op, path: api.path });
  }
  return map;
}

/**
 * The calls, in an order where each mutation sets up the next check. `work` is an API path of a writable
 * directory inside the agent's file root. Without tracefs the trace calls must all answer the documented 503.
 */
function cases(work: string): Case[] {
  const traceCases: Case[] = [
    { nickname: "getTraceEventStatus", method: "GET", path: "/trace/status?match=sched_switch" },
    {
      nickname: "setTraceEventStatus",
      method: "POST",
      path: "/trace/status",
      form: { match: "^sched_switch$", enabled: "true" },
    },
    { nickname: "getSingleTraceEventStatus", method: "GET", path: "/trace/event/sched_switch" },
    {
      nickname: "setSingleTraceEventStatus",
      method: "POST",
      path: "/trace/event/sched_switch?enabled=false",
    },
    {
      nickname: "setCountEvent",
      method: "POST",
      path: "/trace/count/sched_switch",
      form: { enabled: "true" },
    },
    {
      nickname: "getCounts",
      method: "GET",
      path: "/trace/count",
      check: (v) =>
        (v as { list: unknown[] }).list.length === 1 ? [] : ["/trace/count: expected one counted event"],
    },
    { nickname: "deleteCounts", method: "DELETE", path: "/trace/count" },
    { nickname: "setSamplerState", method: "POST", path: "/trace/sampler?freq=0" },
    { nickname: "getTraceBuffers", method: "GET", path: "/trace/buffers", body: "raw" },
  ];
  return [
    { nickname: "os_name", method: "GET", path: "/os/name" },
    { nickname: "os_version", method: "GET", path: "/os/version" },
    { nickname: "os_vendor", method: "GET", path: "/os/vendor" },
    { nickname: "os_uptime", method: "GET", path: "/os/uptime" },
    { nickname: "os_date", method: "GET", path: "/os/date" },
    { nickname: "os_memory_total", method: "GET", path: "/os/memory/total" },
    { nickname: "os_memory_free", method: "GET", path: "/os/memory/free" },
    { nickname: "os_memory_balloon", method: "GET", path: "/os/memory/balloon" },
    { nickname: "os_dmesg", method: "GET", path: "/os/dmesg" },
    { nickname: "os_get_hostname", method: "GET", path: "/os/hostname" },
    { nickname: "os_set_hostname", method: "POST", path: "/os/hostname", form: { name: "conformance" } },
    {
      nickname: "os_threads",
      method: "GET",
      path: "/os/threads",
      check: (v) => ((v as { list: unknown[] }).list.length > 0 ? [] : ["/os/threads: empty list"]),
    },
    { nickname: "os_get_cmdline", method: "GET", path: "/os/cmdline" },
    { nickname: "os_set_cmdline", method: "POST", path: "/os/cmdline?cmdline=--verbose%20/app" },
    { nickname: "list_df_stats", method: "GET", path: "/fs/df/" },
    { nickname: "getDFStats", method: "GET", path: "/fs/df//" },
    { nickname: "processorFeatures", method: "GET", path: "/hardware/processor/flags" },
    { nickname: "processorCount", method: "GET", path: "/hardware/processor/count" },
    { nickname: "firmware_vendor", method: "GET", path: "/hardware/firmware/vendor" },
    { nickname: "hypervisor_name", method: "GET", path: "/hardware/hypervisor" },
    { nickname: "listIfconfig", method: "GET", path: "/network/ifconfig/" },
    { nickname: "getIfconfig", method: "GET", path: "/network/ifconfig/lo" },
    { nickname: "getRoute", method: "GET", path: "/network/route/" },
    { nickname: "setEnv", method: "POST", path: "/env/MPM_CONFORMANCE", form: { val: "a b" } },
    {
      nickname: "getEnv",
      method: "GET",
      path: "/env/MPM_CONFORMANCE",
      check: (v) => (v === "a b" ? [] : [`/env/MPM_CONFORMANCE: ${JSON.stringify(v)}`]),
    },
    { nickname: "list_env", method: "GET", path: "/env/" },
    { nickname: "unsetEnv", method: "DELETE", path: "/env/MPM_CONFORMANCE" },
    { nickname: "run_app", method: "PUT", path: "/app/?command=/bin/true" },
    { nickname: "finished_app", method: "GET", path: "/app/finished?tid=1" },
    { nickname: "putFile", method: "PUT", path: `/file${work}/d?op=MKDIRS&permission=755`, body: "empty" },
    {
      nickname: "putFile",
      method: "PUT",
      path: `/file${work}/d/a.txt?op=WRITE&content=hello&overwrite=true`,
      body: "empty",
    },
    { nickname: "getFile", method: "GET", path: `/file${work}/d/a.txt?op=GET`, body: "raw" },
    {
      nickname: "getFile",
      method: "GET",
      path: `/file${work}/d/a.txt?op=GETFILESTATUS`,
      type: { type: "FileStatusProperties" },
    },
    {
      nickname: "getFile",
      method: "GET",
      path: `/file${work}/d?op=LISTSTATUS`,
      type: { type: "array", items: { type: "FileStatusProperties" } },
    },
    {
      nickname: "upload",
      method: "POST",
      path: `/file${work}/d/b.txt`,
      multipart: { name: "filedata", filename: "b.txt", data: "uploaded" },
      body: "empty",
    },
    {
      nickname: "putFile",
      method: "PUT",
      path: `/file${work}/d/b.txt?op=RENAME&destination=${work}/d/c.txt`,
      body: "empty",
    },
    {
      nickname: "putFile",
      method: "PUT",
      path: `/file${work}/d/c.txt?op=COPY&destination=${work}/d/e.txt`,
      body: "empty",
    },
    { nickname: "delFile", method: "DELETE", path: `/file${work}/d?op=DELETE&recursive=true`, body: "empty" },
    {
      nickname: "api_batch",
      method: "POST",
      path: "/api/batch",
      multipart: {
        name: "batch",
        data: '[{"method":"GET","relative_url":"/os/name"},{"method":"GET","relative_url":"/nope"}]',
      },
      check: (v) => {
        const r = v as { code: number; body: unknown }[];
        return r[0]?.code === 200 && r[0].body === "OSv" && r[1]?.code === 404
          ? []
          : [`batch: ${JSON.stringify(v)}`];
      },
    },
    ...traceCases,
  ];
}

export interface ConformanceResult {
  readonly problems: string[];
  readonly covered: Set<string>;
  readonly operations: number;
}

/** Calls every operation of the full listings (except power ones) and checks status, type and fields. */
export async function runConformance(
  client: AgentClient,
  options: { work: string },
): Promise<ConformanceResult> {
  const ops = operations();
  const models = allModels(FULL_LISTINGS);
  const status = await client.request("GET", "/trace/status?match=^sched_switch$");
  const tracing = status.status === 200;
  const problems: string[] = [];
  const covered = new Set<string>();
  for (const c of cases(options.work)) {
    const spec = ops.get(c.nickname);
    if (!spec) {
      problems.push(`${c.nickname}: not in the listings`);
      continue;
    }
    covered.add(c.nickname);
    const form = c.form ? new URLSearchParams(c.form).toString() : undefined;
    const mp = c.multipart ? multipartBody(c.multipart) : undefined;
    const res = await client.request(c.method, c.path, {
      ...(form !== undefined
        ? { body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } }
        : {}),
      ...(mp ? { body: mp.body, headers: { "Content-Type": mp.type } } : {}),
    });
    const label = `${c.method} ${c.path}`;
    if (!tracing && spec.path.startsWith("/trace")) {
      const err = JSON.parse(res.body.toString() || "{}") as { code?: unknown; message?: unknown };
      if (res.status !== 503 || err.code !== 503 || typeof err.message !== "string") {
        problems.push(`${label}: expected the documented 503 without tracefs, got ${res.status}`);
      }
      continue;
    }
    if (res.status !== 200) {
      problems.push(`${label}: status ${res.status} ${res.body.toString().slice(0, 200)}`);
      continue;
    }
    if (c.body === "empty") {
      if (res.body.length !== 0) problems.push(`${label}: expected an empty body`);
      continue;
    }
    if (c.body === "raw") continue;
    if (res.headers["content-type"] !== "application/json")
      problems.push(`${label}: content-type ${res.headers["content-type"]}`);
    let value: unknown;
    try {
      value = JSON.parse(res.body.toString("utf8"));
    } catch {
      problems.push(`${label}: body is not JSON: ${res.body.toString().slice(0, 100)}`);
      continue;
    }
    const type =
      c.nickname === "api_batch"
        ? { type: undefined }
        : (c.type ?? { type: spec.op.type, items: spec.op.items });
    problems.push(...checkValue(value, type, models).map((p) => `${label}: ${p}`));
    if (c.check) problems.push(...c.check(value, res).map((p) => `${label}: ${p}`));
  }
  return { problems, covered, operations: ops.size };
}

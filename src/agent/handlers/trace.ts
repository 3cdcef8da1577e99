import { badRequest } from "../http/api-error.ts";
import type { Handler } from "../http/handler.ts";
import { json, raw, voidReply } from "../http/reply.ts";
import { parseBool } from "../http/router.ts";

const eventName = (raw: string | undefined): string => (raw ?? "").replace(/^\//, "");

export const traceHandlers: Readonly<Record<string, Handler>> = {
  getTraceEventStatus: ({ ctx, query }) => json(ctx.tracer.status(query.get("match") ?? undefined)),
  setTraceEventStatus: ({ ctx, query }) => {
    const options = {
      enabled: parseBool(query.get("enabled")),
      backtrace: parseBool(query.get("backtrace")),
    };
    const matching = ctx.tracer.status(query.get("match") ?? undefined);
    return json(matching.map((t) => ctx.tracer.setTracing(t.name, options)));
  },
  getSingleTraceEventStatus: ({ ctx, pathParams }) => {
    ctx.tracer.require();
    return json(ctx.tracer.info(eventName(pathParams["eventid"])));
  },
  setSingleTraceEventStatus: ({ ctx, pathParams, query }) => {
    ctx.tracer.require();
    const options = {
      enabled: parseBool(query.get("enabled")),
      backtrace: parseBool(query.get("backtrace")),
    };
    return json(ctx.tracer.setTracing(eventName(pathParams["eventid"]), options));
  },
  setCountEvent: ({ ctx, pathParams, query }) => {
    ctx.tracer.setCounting(eventName(pathParams["eventid"]), parseBool(query.get("enabled")));
    return voidReply;
  },
  // OSv's time base here is ms since boot, unlike /os/threads (wall clock).
  getCounts: ({ ctx }) => {
    ctx.tracer.require();
    return json({ list: ctx.tracer.counts(), time_ms: Math.floor(Date.now() - ctx.bootTimeMs) });
  },
  deleteCounts: ({ ctx }) => {
    ctx.tracer.clearCounts();
    return voidReply;
  },
  setSamplerState: ({ ctx, query }) => {
    const freq = Number(query.get("freq"));
    if (!Number.isInteger(freq) || freq < 0) throw badRequest(`Bad freq parameter ${query.get("freq")}`);
    return json(ctx.tracer.setSampler(freq));
  },
  // OSv derives the type from a temp file without extension, which gives text/plain.
  getTraceBuffers: ({ ctx }) => raw(ctx.tracer.buffers(), "text/plain"),
};

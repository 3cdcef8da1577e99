import type { Handler } from "../http/handler.ts";
import { json } from "../http/reply.ts";
import { parseBool } from "../http/router.ts";

export const appHandlers: Readonly<Record<string, Handler>> = {
  run_app: ({ ctx, query }) => {
    // new_program (a fresh ELF namespace in OSv) is what every Linux process already gets.
    parseBool(query.get("new_program"));
    return json(ctx.apps.start(query.get("command") ?? "").join(" "));
  },
  finished_app: ({ ctx, query }) => {
    const tid = Number(query.get("tid"));
    return json(Number.isInteger(tid) && !ctx.apps.finished(tid) ? "0" : "1");
  },
};

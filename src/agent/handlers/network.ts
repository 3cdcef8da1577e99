import { notFound } from "../http/api-error.ts";
import type { Handler } from "../http/handler.ts";
import { json } from "../http/reply.ts";
import { interfaceNames, readInterface, readRoutes } from "../system/network-info.ts";

export const networkHandlers: Readonly<Record<string, Handler>> = {
  listIfconfig: ({ ctx }) =>
    json(interfaceNames(ctx.sysRoot).map((n) => readInterface(ctx.sysRoot, n, ctx.bootTimeMs))),
  getIfconfig: ({ ctx, pathParams }) => {
    const name = pathParams["intf"] ?? "";
    if (!interfaceNames(ctx.sysRoot).includes(name)) throw notFound(`Interface ${name} not found`);
    return json(readInterface(ctx.sysRoot, name, ctx.bootTimeMs));
  },
  getRoute: ({ ctx }) => json(readRoutes(ctx.procRoot)),
};

import { notFound } from "../http/api-error.ts";
import type { Handler } from "../http/handler.ts";
import { json } from "../http/reply.ts";
import { readDf } from "../system/df.ts";

export const fsHandlers: Readonly<Record<string, Handler>> = {
  list_df_stats: ({ ctx }) => json(readDf(ctx.procRoot)),
  getDFStats: ({ ctx, pathParams }) => {
    const mount = pathParams["mount"] ?? "/";
    const found = readDf(ctx.procRoot).filter((d) => d.mount === mount);
    if (found.length === 0) throw notFound("mount does not exist");
    return json(found);
  },
};

import { badRequest } from "../http/api-error.ts";
import type { Handler } from "../http/handler.ts";
import { json, voidReply } from "../http/reply.ts";

const varName = (raw: string | undefined): string => (raw ?? "").replace(/^\//, "");

/** The agent's own live environment, which programs started through /app inherit. */
export const envHandlers: Readonly<Record<string, Handler>> = {
  list_env: () => json(Object.entries(process.env).map(([k, v]) => `${k}=${v}`)),
  getEnv: ({ pathParams }) => {
    const name = varName(pathParams["var"]);
    const value = process.env[name];
    if (value === undefined) throw badRequest(`No environment variable ${name}`);
    return json(value);
  },
  setEnv: ({ pathParams, query }) => {
    const name = varName(pathParams["var"]);
    if (!name || name.includes("=")) throw badRequest(`Bad environment variable name ${name}`);
    process.env[name] = query.get("val") ?? "";
    return voidReply;
  },
  unsetEnv: ({ pathParams }) => {
    delete process.env[varName(pathParams["var"])];
    return voidReply;
  },
};

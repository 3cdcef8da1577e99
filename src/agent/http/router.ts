import type { SwaggerListing, SwaggerOperation, SwaggerParameter } from "../listings.ts";
import { ApiError, badRequest } from "./api-error.ts";

/** A route compiled from one operation of a listing. */
export interface Route {
  readonly method: string;
  readonly template: string;
  readonly operation: SwaggerOperation;
  /** The fixed part of the path, without a trailing slash. */
  readonly prefix: string;
  /** The path parameter after the prefix, if any. */
  readonly pathParam: SwaggerParameter | undefined;
}

export interface RouteMatch {
  readonly route: Route;
  /** Path parameter values: allowMultiple ones keep the leading slash (OSv's matcher does), others do not. */
  readonly pathParams: Readonly<Record<string, string>>;
}

const METHODS = new Set(["GET", "POST", "PUT", "DELETE"]);

/** OSv routes every method it does not know (HEAD, PATCH...) as GET. */
export function routedMethod(method: string | undefined): string {
  const upper = (method ?? "GET").toUpperCase();
  return METHODS.has(upper) ? upper : "GET";
}

/** Request paths lose one trailing slash, so `/env` and `/env/` are the same route. */
export function normalisePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function compile(template: string, operation: SwaggerOperation): Route {
  const brace = template.indexOf("{");
  const fixed = brace < 0 ? template : template.slice(0, brace);
  const pathParam = operation.parameters?.find((p) => p.paramType === "path");
  return {
    method: operation.method.toUpperCase(),
    template,
    operation,
    prefix: normalisePath(brace < 0 ? fixed : fixed.replace(/\/$/, "")),
    pathParam: brace < 0 ? undefined : pathParam,
  };
}

/** Routes of the given listings: exact paths first, then parameterised ones in listing order, as OSv does. */
export class Router {
  readonly routes: readonly Route[];

  constructor(listings: Readonly<Record<string, SwaggerListing>>) {
    const all: Route[] = [];
    for (const listing of Object.values(listings)) {
      for (const api of listing.apis) for (const op of api.operations) all.push(compile(api.path, op));
    }
    this.routes = [...all.filter((r) => !r.pathParam), ...all.filter((r) => r.pathParam)];
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const path = normalisePath(rawPath);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      if (!route.pathParam) {
        if (route.prefix === path) return { route, pathParams: {} };
        continue;
      }
      const rest = path.startsWith(route.prefix) ? path.slice(route.prefix.length) : "";
      if (!rest.startsWith("/") || (rest.length === 1 && !route.pathParam.allowMultiple)) continue;
      if (route.pathParam.allowMultiple) return { route, pathParams: { [route.pathParam.name]: rest } };
      if (rest.indexOf("/", 1) >= 0) continue;
      return { route, pathParams: { [route.pathParam.name]: rest.slice(1) } };
    }
    return undefined;
  }
}

/** Checks mandatory and enum query parameters before the handler runs, with OSv's messages. */
export function checkQuery(operation: SwaggerOperation, query: URLSearchParams): void {
  for (const param of operation.parameters ?? []) {
    if (param.paramType !== "query") continue;
    const value = query.get(param.name);
    if (param.required && !value) throw badRequest(`Missing mandatory parameter '${param.name}'`);
    if (value && param.enum && !param.enum.includes(value))
      throw badRequest(`Bad ${param.name} parameter ${value}`);
    if (value && param.type === "boolean") parseBool(value);
  }
}

/** OSv's str2bool: "", false and 0 are false; true and 1 are true, case-insensitively. */
export function parseBool(value: string | null | undefined): boolean {
  const lower = (value ?? "").toLowerCase();
  if (lower === "" || lower === "false" || lower === "0") return false;
  if (lower === "true" || lower === "1") return true;
  throw new ApiError(400, `Invalid value ${value} use true/false or 0/1`);
}

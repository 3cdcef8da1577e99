import type {
  SwaggerListing,
  SwaggerModelProperty,
  SwaggerOperation,
  SwaggerParameter,
} from "../listings.ts";

/** Swagger 1.2 primitive names mapped to JSON Schema types and formats. */
const PRIMITIVES: Readonly<Record<string, Record<string, string>>> = {
  string: { type: "string" },
  long: { type: "integer", format: "int64" },
  int: { type: "integer", format: "int32" },
  integer: { type: "integer", format: "int32" },
  float: { type: "number", format: "float" },
  double: { type: "number", format: "double" },
  boolean: { type: "boolean" },
  char: { type: "integer", format: "int8" },
  date: { type: "string", format: "date" },
  date_time: { type: "string" },
  dateTime: { type: "string" },
  File: { type: "string", format: "binary" },
};

function schemaOf(
  type: string | undefined,
  items?: { type?: string; $ref?: string },
  models?: Set<string>,
): unknown {
  if (type === "array")
    return { type: "array", items: schemaOf(items?.type ?? items?.$ref, undefined, models) };
  if (!type || type === "void") return { type: "string", enum: [""] };
  const primitive = PRIMITIVES[type];
  if (primitive) return primitive;
  // OSv's network listing names a "Routes" model it never defines; the handler returns an array of Route.
  if (type === "Routes") return { type: "array", items: { $ref: "#/components/schemas/Route" } };
  if (models && !models.has(type)) return { type: "object" };
  return { $ref: `#/components/schemas/${type}` };
}

function propertySchema(prop: SwaggerModelProperty, models: Set<string>): unknown {
  const base = schemaOf(prop.type ?? prop.$ref, prop.items, models) as Record<string, unknown>;
  return {
    ...base,
    ...(prop.enum ? { enum: prop.enum } : {}),
    ...(prop.description ? { description: prop.description } : {}),
  };
}

function parameter(p: SwaggerParameter): unknown {
  return {
    name: p.name,
    in: p.paramType,
    required: p.paramType === "path" ? true : (p.required ?? false),
    ...(p.description ? { description: p.description } : {}),
    schema: { ...(schemaOf(p.type) as object), ...(p.enum ? { enum: p.enum } : {}) },
  };
}

function operation(op: SwaggerOperation, models: Set<string>): unknown {
  const params = op.parameters ?? [];
  const form = params.filter((p) => p.paramType === "form" || p.paramType === "body");
  const responses: Record<string, unknown> = {
    "200": {
      description: "OK",
      content: { "application/json": { schema: schemaOf(op.type, op.items, models) } },
    },
  };
  for (const e of op.errorResponses ?? []) {
    responses[String(e.code)] = {
      description: e.reason,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  const properties = Object.fromEntries(form.map((p) => [p.name, schemaOf(p.type)]));
  return {
    operationId: op.nickname,
    summary: op.summary,
    ...(op.notes ? { description: op.notes } : {}),
    parameters: params.filter((p) => p.paramType === "path" || p.paramType === "query").map(parameter),
    ...(form.length > 0
      ? { requestBody: { content: { "multipart/form-data": { schema: { type: "object", properties } } } } }
      : {}),
    responses,
  };
}

/** An OpenAPI 3.0 document equivalent to the served swagger 1.2 listings. */
export function openApiDocument(
  listings: Readonly<Record<string, SwaggerListing>>,
  serverUrl: string,
): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {
    Error: {
      type: "object",
      required: ["message", "code"],
      properties: { message: { type: "string" }, code: { type: "integer" } },
    },
  };
  const names = new Set(Object.values(listings).flatMap((l) => Object.keys(l.models ?? {})));
  for (const listing of Object.values(listings)) {
    for (const [name, model] of Object.entries(listing.models ?? {})) {
      schemas[name] = {
        type: "object",
        ...(model.description ? { description: model.description } : {}),
        properties: Object.fromEntries(
          Object.entries(model.properties).map(([k, v]) => [k, propertySchema(v, names)]),
        ),
      };
    }
    for (const api of listing.apis) {
      const path = api.path.length > 1 ? api.path.replace(/\/$/, "") || api.path : api.path;
      const entry = paths[path] ?? {};
      for (const op of api.operations) entry[op.method.toLowerCase()] = operation(op, names);
      paths[path] = entry;
    }
  }
  return {
    openapi: "3.0.3",
    info: { title: "OSv REST API (mpm agent)", version: "0.0.1" },
    servers: [{ url: serverUrl }],
    paths,
    components: { schemas },
  };
}

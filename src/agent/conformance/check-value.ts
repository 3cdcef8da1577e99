import type { SwaggerModel } from "../listings.ts";

/** Model fields OSv omits when unset (notes §2.4): owner/group when the id has no name, symlink for non-links. */
const OPTIONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  FileStatusProperties: ["symlink", "owner", "group"],
};

const INTEGER_TYPES = new Set(["long", "int", "integer", "char"]);

/**
 * Checks a JSON value against a swagger 1.2 type (primitive, model, or array of either). Returns the
 * problems found, each naming the JSON path, so a conformance failure says exactly which field is wrong.
 */
export function checkValue(
  value: unknown,
  type: { type?: string | undefined; items?: { type?: string; $ref?: string } | undefined },
  models: Readonly<Record<string, SwaggerModel>>,
  path = "$",
): string[] {
  const t = type.type;
  if (t === "array" || t === "Routes") {
    if (!Array.isArray(value)) return [`${path}: expected an array, got ${typeof value}`];
    const itemType = type.items?.type ?? type.items?.$ref ?? (t === "Routes" ? "Route" : undefined);
    return value.flatMap((v, i) => checkValue(v, { type: itemType }, models, `${path}[${i}]`));
  }
  if (t === undefined) return [];
  if (t === "void")
    return value === "" ? [] : [`${path}: expected "" for void, got ${JSON.stringify(value)}`];
  if (t === "string")
    return typeof value === "string" ? [] : [`${path}: expected a string, got ${typeof value}`];
  if (INTEGER_TYPES.has(t))
    return Number.isInteger(value) ? [] : [`${path}: expected an integer, got ${JSON.stringify(value)}`];
  if (t === "float" || t === "double") return typeof value === "number" ? [] : [`${path}: expected a number`];
  if (t === "boolean") return typeof value === "boolean" ? [] : [`${path}: expected a boolean`];
  const model = models[t];
  if (!model) return [`${path}: unknown type ${t}`];
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [`${path}: expected a ${t} object`];
  const problems: string[] = [];
  const record = value as Record<string, unknown>;
  const optional = OPTIONAL_FIELDS[t] ?? [];
  for (const [name, prop] of Object.entries(model.properties)) {
    if (!(name in record)) {
      if (!optional.includes(name)) problems.push(`${path}.${name}: missing`);
      continue;
    }
    problems.push(
      ...checkValue(
        record[name],
        { type: prop.type ?? prop.$ref, items: prop.items },
        models,
        `${path}.${name}`,
      ),
    );
    if (prop.enum && !prop.enum.includes(String(record[name])))
      problems.push(`${path}.${name}: ${String(record[name])} not in enum`);
  }
  for (const name of Object.keys(record))
    if (!(name in model.properties)) problems.push(`${path}.${name}: not in the model`);
  return problems;
}

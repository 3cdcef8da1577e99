import type { Node } from "yaml";
import type { ProblemList } from "./problem.ts";
import {
  type FieldPath,
  formatPath,
  isMap,
  isScalar,
  isSeq,
  mapEntries,
  scalarText,
  type YamlSource,
} from "./yaml-source.ts";

/**
 * Typed reads of YAML fields that record a problem (with file, line and field path) instead of throwing,
 * so one pass over a file reports everything wrong with it.
 */
export class FieldReader {
  readonly source: YamlSource;
  readonly problems: ProblemList;

  constructor(source: YamlSource, problems: ProblemList) {
    this.source = source;
    this.problems = problems;
  }

  error(path: FieldPath, message: string, hint?: string): void {
    this.problems.error(this.source.file, message, {
      line: this.source.lineOf(path),
      field: formatPath(path),
      ...(hint ? { hint } : {}),
    });
  }

  warning(path: FieldPath, message: string, hint?: string): void {
    this.problems.warning(this.source.file, message, {
      line: this.source.lineOf(path),
      field: formatPath(path),
      ...(hint ? { hint } : {}),
    });
  }

  has(path: FieldPath): boolean {
    const node = this.source.node(path);
    return node !== undefined && !(isScalar(node) && node.value === null);
  }

  /** A scalar read as a string (numbers and booleans keep their source text, as Go decodes them). */
  string(path: FieldPath, options: { required?: boolean; hint?: string } = {}): string | undefined {
    const node = this.source.node(path);
    if (node === undefined || (isScalar(node) && node.value === null)) {
      if (options.required) this.error(path, `'${formatPath(path)}' must be provided`, options.hint);
      return undefined;
    }
    const text = scalarText(node);
    if (text === undefined) this.error(path, "must be a single value, not a list or map", options.hint);
    return text;
  }

  boolean(path: FieldPath): boolean | undefined {
    const node = this.source.node(path);
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    this.error(path, "must be true or false");
    return undefined;
  }

  /** A list of scalars; a single scalar is accepted as a one-item list. */
  stringList(path: FieldPath): string[] | undefined {
    const node = this.source.node(path);
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (isScalar(node)) return [scalarText(node) ?? ""];
    if (!isSeq(node)) {
      this.error(path, "must be a list");
      return undefined;
    }
    const out: string[] = [];
    node.items.forEach((item, index) => {
      const text = scalarText(item as Node);
      if (text === undefined) this.error([...path, index], "must be a single value");
      else out.push(text);
    });
    return out;
  }

  /** A map of scalars, in document order. */
  stringMap(path: FieldPath): Record<string, string> | undefined {
    const node = this.source.node(path);
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (!isMap(node)) {
      this.error(path, "must be a map of NAME: value");
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [key, value] of mapEntries(node)) {
      // Go decodes a null map value into "" for map[string]string.
      const text = value === undefined || (isScalar(value) && value.value === null) ? "" : scalarText(value);
      if (text === undefined) this.error([...path, key], "must be a single value");
      else out[key] = text;
    }
    return out;
  }

  /** Warns about keys outside `known` (Capstan ignores them; a typo is the usual cause). */
  unknownKeys(path: FieldPath, known: readonly string[]): void {
    for (const [key] of mapEntries(this.source.node(path))) {
      if (known.includes(key)) continue;
      this.problems.warning(this.source.file, `unknown field '${key}' is ignored`, {
        line: this.source.keyLine(path, key),
        field: formatPath([...path, key]),
        hint: `known fields: ${known.join(", ")}`,
      });
    }
  }

  isMap(path: FieldPath): boolean {
    return isMap(this.source.node(path));
  }
}

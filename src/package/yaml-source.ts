import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { ProblemList } from "./problem.ts";

/**
 * A YAML file read the way Capstan's Go YAML decoder sees it, plus positions: every scalar keeps its
 * source text (so `version: 1.0` stays "1.0", as Go decodes it into a string field), and any field path
 * maps back to a line for error messages.
 */
export type FieldPath = readonly (string | number)[];

export class YamlSource {
  readonly file: string;
  readonly root: Node | null;
  private readonly lines: LineCounter;

  private constructor(file: string, root: Node | null, lines: LineCounter) {
    this.file = file;
    this.root = root;
    this.lines = lines;
  }

  /** Parses text; syntax errors go to `problems` with their line, and the result may be partial. */
  static parse(file: string, text: string, problems: ProblemList): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    for (const err of doc.errors) {
      const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
      problems.error(file, `invalid YAML: ${err.message.split("\n")[0]}`, {
        line,
        hint: "fix the YAML syntax (indentation, quoting, duplicate keys)",
      });
    }
    return new YamlSource(file, doc.errors.length > 0 ? null : (doc.contents as Node | null), lines);
  }

  /** The node at a path, or undefined. */
  node(path: FieldPath): Node | undefined {
    let node: Node | null | undefined = this.root;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        node = pair?.value as Node | null | undefined;
      } else if (isSeq(node) && typeof key === "number") {
        node = node.items[key] as Node | undefined;
      } else {
        return undefined;
      }
      if (node === null || node === undefined) return undefined;
    }
    return node ?? undefined;
  }

  /**
   * Line of the field at `path`: the line of its key when it sits in a map (a map value starts on the line
   * after its key), else of the node; for a missing field, the line of its nearest existing parent.
   */
  lineOf(path: FieldPath): number | undefined {
    for (let depth = path.length; depth > 0; depth--) {
      const parentPath = path.slice(0, depth - 1);
      const key = path[depth - 1]!;
      const node = this.node(path.slice(0, depth));
      if (node === undefined) continue;
      if (isMap(this.node(parentPath)) && typeof key === "string") return this.keyLine(parentPath, key);
      return this.lineOfNode(node);
    }
    return this.lineOfNode(this.root ?? undefined) ?? 1;
  }

  /** Line of the key of a map entry, for problems about the entry itself (unknown keys). */
  keyLine(path: FieldPath, key: string): number | undefined {
    const map = this.node(path);
    if (!isMap(map)) return this.lineOfNode(map);
    const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    return this.lineOfNode(pair?.key as Node | undefined);
  }

  private lineOfNode(node: Node | undefined): number | undefined {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    return this.lines.linePos(offset).line;
  }
}

export function formatPath(path: FieldPath): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${key}` : key;
  return out;
}

/** Source text of a scalar (Go-like string decoding); undefined for non-scalars and nulls. */
export function scalarText(node: Node | undefined): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value);
}

/** Map entries as [key, node] in document order. */
export function mapEntries(node: Node | undefined): [string, Node | undefined][] {
  if (!isMap(node)) return [];
  return node.items.map((p) => [String(isScalar(p.key) ? p.key.value : p.key), p.value as Node | undefined]);
}

export { isMap, isScalar, isSeq };

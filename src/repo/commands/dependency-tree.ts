import type { Requirement } from "../../package/manifest.ts";
import type { LocalRepository } from "../local-repository.ts";

/** A requirement as the local repository can satisfy it, with its own requirements below it. */
export interface TreeNode {
  readonly name: string;
  readonly range: string;
  /** Installed version chosen, or undefined when none satisfies the range. */
  readonly version: string | undefined;
  /** True when this name already appears above (a cycle); its children are not expanded. */
  readonly cycle: boolean;
  readonly children: readonly TreeNode[];
}

export async function dependencyTree(
  require: readonly Requirement[],
  repo: LocalRepository,
  above: readonly string[] = [],
): Promise<TreeNode[]> {
  const out: TreeNode[] = [];
  for (const req of require) {
    if (above.includes(req.name)) {
      out.push({ name: req.name, range: req.range, version: undefined, cycle: true, children: [] });
      continue;
    }
    const found = await repo.find(req.name, req.range);
    const children = found ? await dependencyTree(found.require, repo, [...above, req.name]) : [];
    out.push({ name: req.name, range: req.range, version: found?.version, cycle: false, children });
  }
  return out;
}

export function formatTree(nodes: readonly TreeNode[], indent = ""): string[] {
  const lines: string[] = [];
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    const state = node.cycle ? "(cycle)" : node.version ? node.version : "(not installed)";
    lines.push(
      `${indent}${last ? "└─" : "├─"} ${node.name} ${node.range === "*" ? "" : `${node.range} → `}${state}`.replace(
        "  ",
        " ",
      ),
    );
    lines.push(...formatTree(node.children, `${indent}${last ? "   " : "│  "}`));
  });
  return lines;
}

import semver from "semver";
import { MpmError } from "../errors/mpm-error.ts";
import type { Requirement } from "../package/manifest.ts";

/**
 * Dependency resolution over any package source (the local repository, remote indexes, both):
 *
 *   resolveDependencies(roots, source) → the closure of `roots`, dependencies before dependents
 *
 * Deterministic: requirements are visited in the order written, and each name gets the highest version
 * satisfying the range that first reaches it; a name is listed once. Errors name the chain that led there:
 * MPM_E_DEP_NOT_FOUND, MPM_E_DEP_UNSATISFIABLE (no version in range), MPM_E_DEP_CONFLICT (the version
 * already chosen for a name does not satisfy another requirement — two versions of one name), and
 * MPM_E_DEP_CYCLE.
 */
export interface Candidate {
  readonly name: string;
  /** Full semver. */
  readonly version: string;
  readonly require: readonly Requirement[];
}

export interface DependencySource<T extends Candidate> {
  /** Every available version of `name` (any order); empty when there is none. */
  versions(name: string): Promise<readonly T[]>;
}

interface Chosen<T> {
  readonly candidate: T;
  readonly chain: readonly string[];
}

export async function resolveDependencies<T extends Candidate>(
  roots: readonly Requirement[],
  source: DependencySource<T>,
): Promise<T[]> {
  const chosen = new Map<string, Chosen<T>>();
  const order: T[] = [];
  const visiting: string[] = [];

  const visit = async (req: Requirement, chain: readonly string[]): Promise<void> => {
    const at = [...chain, `${req.name}@${req.range}`];
    const cycleStart = visiting.indexOf(req.name);
    if (cycleStart >= 0) {
      const cycle = [...visiting.slice(cycleStart), req.name].join(" -> ");
      throw new MpmError("MPM_E_DEP_CYCLE", `dependency cycle: ${cycle}`, {
        hint: "remove one of these requirements from its meta/package.yaml",
        details: { cycle: [...visiting.slice(cycleStart), req.name] },
      });
    }
    const existing = chosen.get(req.name);
    if (existing) {
      if (satisfies(existing.candidate.version, req.range)) return;
      throw new MpmError(
        "MPM_E_DEP_CONFLICT",
        `two versions of ${req.name} are requested: ${describeChain(at)} needs ${req.range}, but ${describeChain(existing.chain)} chose ${existing.candidate.version}`,
        {
          hint: "align the version ranges so one version satisfies both",
          details: { name: req.name, chains: [at, existing.chain] },
        },
      );
    }
    const available = [...(await source.versions(req.name))].sort((a, b) =>
      semver.rcompare(a.version, b.version),
    );
    if (available.length === 0) {
      throw new MpmError(
        "MPM_E_DEP_NOT_FOUND",
        `package ${req.name} is not available (required by ${describeChain(at)})`,
        {
          hint: `install it (mpm install / mpm pull ${req.name}) or add a remote repository that has it`,
          details: { name: req.name, chain: at },
        },
      );
    }
    const pick = available.find((c) => satisfies(c.version, req.range));
    if (!pick) {
      throw new MpmError(
        "MPM_E_DEP_UNSATISFIABLE",
        `no version of ${req.name} satisfies ${req.range} (required by ${describeChain(at)}); available: ${available.map((c) => c.version).join(", ")}`,
        {
          hint: "install a matching version or widen the range in meta/package.yaml",
          details: { name: req.name, chain: at },
        },
      );
    }
    chosen.set(req.name, { candidate: pick, chain: at });
    visiting.push(req.name);
    const here = [...chain, `${pick.name}@${pick.version}`];
    for (const dep of pick.require) await visit(dep, here);
    visiting.pop();
    order.push(pick);
  };

  for (const root of roots) await visit(root, []);
  return order;
}

export function satisfies(version: string, range: string): boolean {
  return semver.satisfies(version, range, { includePrerelease: true });
}

function describeChain(chain: readonly string[]): string {
  return chain.length <= 1 ? "the request" : chain.slice(0, -1).join(" -> ");
}

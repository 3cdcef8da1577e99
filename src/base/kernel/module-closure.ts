import { MpmError } from "../../errors/mpm-error.ts";
import type { ModInfo } from "./modinfo.ts";

export interface KernelModule extends ModInfo {
  /** Path relative to lib/modules/<release>, e.g. "kernel/drivers/net/virtio_net.ko". */
  readonly path: string;
}

/** Normalised module name: the kernel treats '-' and '_' alike. */
export function moduleKey(name: string): string {
  return name.replaceAll("-", "_");
}

/**
 * The modules to load for `roots`, dependencies first (a valid insmod order), each once. Unknown names are
 * an error naming the module, so a typo in a base definition cannot silently drop a driver.
 */
export function moduleClosure(
  roots: readonly string[],
  modules: ReadonlyMap<string, KernelModule>,
  release: string,
): KernelModule[] {
  const order: KernelModule[] = [];
  const seen = new Set<string>();
  const visit = (name: string, chain: readonly string[]) => {
    const key = moduleKey(name);
    if (seen.has(key)) return;
    const module = modules.get(key);
    if (!module) {
      throw new MpmError(
        "MPM_E_KERNEL_INVALID",
        `kernel ${release} has no module '${name}' (${chain.join(" -> ")})`,
        {
          hint: "use a kernel that builds the virtio drivers as modules or into the kernel (Debian's linux-image-amd64)",
          details: { module: name, release },
        },
      );
    }
    seen.add(key);
    for (const dep of module.depends) visit(dep, [...chain, dep]);
    order.push(module);
  };
  for (const root of roots) visit(root, [root]);
  return order;
}

/** modules.dep in depmod's format ("path: dep-path dep-path"), which busybox modprobe reads. */
export function modulesDep(selected: readonly KernelModule[]): string {
  const byKey = new Map(selected.map((m) => [moduleKey(m.name), m]));
  const lines = selected.map((m) => {
    const deps: string[] = [];
    const walk = (mod: KernelModule) => {
      for (const d of mod.depends) {
        const dep = byKey.get(moduleKey(d))!;
        if (deps.includes(dep.path)) continue;
        deps.push(dep.path);
        walk(dep);
      }
    };
    walk(m);
    return deps.length ? `${m.path}: ${deps.join(" ")}` : `${m.path}:`;
  });
  return lines.join("\n") + "\n";
}

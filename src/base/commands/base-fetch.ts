import { MpmError } from "../../errors/mpm-error.ts";
import { BASE_KINDS, type BaseKind, currentBase } from "../base-store.ts";
import { fetchBusyboxBase } from "../busybox-base.ts";
import { fetchKernelBase, makeKernelBase } from "../kernel/kernel-base.ts";
import { fetchNodeBase } from "../node-base.ts";

export interface BaseFetchOptions {
  /** Which bases to prepare; all by default. */
  readonly only?: readonly BaseKind[];
  /** Prepare again even when a base of that kind exists. */
  readonly force?: boolean;
  /** Debian kernel package to use instead of what linux-image-amd64 depends on. */
  readonly kernelPackage?: string;
  /** An unpacked kernel package directory (boot/vmlinuz-*, lib/modules/) to use instead of Debian's. */
  readonly kernelDir?: string;
  readonly cacheDir?: string;
  readonly onProgress?: (message: string) => void;
}

export interface BaseFetchResult {
  readonly prepared: ReadonlyArray<{ kind: BaseKind; id: string; fresh: boolean }>;
}

/** `mpm base fetch`: prepares the kernel, busybox and node bases in the cache; idempotent. */
export async function runBaseFetch(options: BaseFetchOptions = {}): Promise<BaseFetchResult> {
  const kinds = options.only?.length ? options.only : BASE_KINDS;
  for (const kind of kinds) {
    if (!BASE_KINDS.includes(kind)) {
      throw new MpmError("MPM_E_COMPOSE_INPUT", `unknown base '${kind}'`, {
        hint: `use one of ${BASE_KINDS.join(", ")}`,
      });
    }
  }
  const prepared: Array<{ kind: BaseKind; id: string; fresh: boolean }> = [];
  const common = {
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  for (const kind of kinds) {
    const existing = await currentBase(kind, options.cacheDir);
    const explicitKernel = kind === "kernel" && (options.kernelPackage || options.kernelDir);
    if (existing && !options.force && !explicitKernel) {
      prepared.push({ kind, id: existing.record.id, fresh: false });
      continue;
    }
    let id: string;
    if (kind === "kernel") {
      const kernel = options.kernelDir
        ? await makeKernelBase(options.kernelDir, `dir:${options.kernelDir}`, options.cacheDir)
        : await fetchKernelBase({
            ...common,
            ...(options.kernelPackage ? { packageName: options.kernelPackage } : {}),
          });
      id = kernel.release;
    } else if (kind === "busybox") {
      id = (await fetchBusyboxBase(common)).version;
    } else {
      id = (await fetchNodeBase(common)).version;
    }
    prepared.push({ kind, id, fresh: true });
  }
  return { prepared };
}

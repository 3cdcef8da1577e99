import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import { runTool } from "./run-tool.ts";

/** The versioned kernel package that Debian's `linux-image-amd64` metapackage currently points at. */
export async function resolveKernelPackage(meta = "linux-image-amd64"): Promise<string> {
  const out = (
    await runTool("apt-cache", ["depends", meta], { debianPackage: "apt", timeoutMs: 60_000 })
  ).toString();
  const match = /Depends:\s+(linux-image-\S+)/.exec(out);
  if (!match) {
    throw new MpmError("MPM_E_BASE_FETCH", `apt-cache knows no kernel package behind '${meta}'`, {
      hint: "run 'apt-get update' (Debian 12 with the main archive), or pass your own kernel with --kernel",
      details: { package: meta },
    });
  }
  return match[1]!;
}

/**
 * Downloads a Debian package with `apt-get download` and unpacks it with `dpkg-deb -x` into a fresh
 * temporary directory — never installed, so the host stays untouched. The caller removes the directory.
 */
export async function fetchDebianPackage(name: string): Promise<{ root: string; version: string }> {
  const work = await mkdtemp(join(tmpdir(), "mpm-deb-"));
  try {
    await runTool("apt-get", ["download", "-q", name], {
      cwd: work,
      debianPackage: "apt",
      timeoutMs: 600_000,
    }).catch((cause: unknown) => {
      throw new MpmError("MPM_E_BASE_FETCH", `could not download the Debian package '${name}'`, {
        hint: "check the network to the Debian mirror and run 'apt-get update'",
        details: { package: name },
        cause,
      });
    });
    const deb = (await readdir(work)).find((f) => f.endsWith(".deb"));
    if (!deb) throw new MpmError("MPM_E_BASE_FETCH", `apt-get download '${name}' produced no .deb`);
    const version = (await runTool("dpkg-deb", ["-f", join(work, deb), "Version"])).toString().trim();
    const root = join(work, "root");
    await runTool("dpkg-deb", ["-x", join(work, deb), root], { timeoutMs: 600_000 });
    await rm(join(work, deb));
    return { root, version };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { MpmError } from "../../errors/mpm-error.ts";

/** Finds an executable on PATH, or undefined. */
export function findOnPath(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** The QEMU system emulator for x86-64 guests; a clear error with the install command when missing. */
export function findQemu(env: NodeJS.ProcessEnv = process.env): string {
  const qemu = findOnPath("qemu-system-x86_64", env);
  if (qemu === undefined) {
    throw new MpmError("MPM_E_QEMU_MISSING", "qemu-system-x86_64 was not found on PATH", {
      hint: "install it: apt-get install --no-install-recommends qemu-system-x86 (or run scripts/setup.sh)",
    });
  }
  return qemu;
}

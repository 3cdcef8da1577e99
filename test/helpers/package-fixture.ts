import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A temp folder removed by `cleanup()`; every test writes only under one. */
export async function tempDir(prefix = "mpm-test-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes files (path → text, or { text, mode }) under `root`. */
export async function writeTree(
  root: string,
  files: Record<string, string | { text: string | Uint8Array; mode: number }>,
): Promise<void> {
  for (const [rel, spec] of Object.entries(files)) {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    if (typeof spec === "string") {
      await writeFile(file, spec);
    } else {
      await writeFile(file, spec.text);
      await chmod(file, spec.mode);
    }
  }
}

/** A minimal valid package: name, version, requirements, and optional extra files. */
export async function makePackage(
  root: string,
  options: {
    name: string;
    version?: string;
    require?: string[];
    files?: Record<string, string | { text: string | Uint8Array; mode: number }>;
    runYaml?: string;
  },
): Promise<string> {
  const dir = path.join(root, `${options.name}-${options.version ?? "1.0.0"}`);
  const require = options.require?.length
    ? `require:\n${options.require.map((r) => `  - "${r}"`).join("\n")}\n`
    : "";
  await writeTree(dir, {
    "meta/package.yaml": `name: ${options.name}\ntitle: ${options.name} title\nauthor: Test Author\nversion: ${options.version ?? "1.0.0"}\n${require}`,
    ...(options.runYaml ? { "meta/run.yaml": options.runYaml } : {}),
    ...(options.files ?? { [`usr/share/${options.name}/data.txt`]: `${options.name} data\n` }),
  });
  return dir;
}

/** A native app that prints `probe-start` and then waits: a guest that stays up while it is examined. */
export function makeWaitingProbe(root: string): Promise<string> {
  return makePackage(root, {
    name: "probe",
    runYaml:
      "runtime: native\nconfig_set:\n  default:\n    bootcmd: /app/main.sh\nconfig_set_default: default\n",
    files: { "app/main.sh": { text: "#!/bin/sh\necho probe-start\nexec sleep 900\n", mode: 0o755 } },
  });
}

import { spawn } from "node:child_process";
import path from "node:path";
import { writeMpm } from "../../archive/write-mpm.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import { defaultRepositoryRoot } from "../../repo/local-repository.ts";
import type { GuestTarget } from "../check-elf.ts";
import { formatProblem, type Problem } from "../problem.ts";
import { runValidate } from "./validate.ts";

/**
 * `mpm build [dir]`: runs meta/hooks/build (when present) in the host environment, validates, and writes
 * the reproducible .mpm atomically. The hook runs with the package folder as its working directory and
 * these variables:
 *   MPM_PACKAGE_DIR      absolute package folder (the guest root's content goes here)
 *   MPM_PACKAGE_NAME     name from package.yaml
 *   MPM_PACKAGE_VERSION  version from package.yaml (normalised semver)
 *   MPM_OUTPUT           the .mpm that will be written
 *   MPM_ROOT             the local repository root
 *   MPM_TARGET           osv or linux
 */
export interface BuildOptions {
  readonly dir: string;
  /** Output .mpm; default <dir>/<name>-<version>.mpm. */
  readonly output?: string | undefined;
  readonly target?: GuestTarget | undefined;
  readonly root?: string | undefined;
  readonly baseLibraries?: readonly string[] | undefined;
  /** Where the hook's stdout and stderr go (default: discarded). */
  readonly hookOutput?: NodeJS.WritableStream | undefined;
}

export interface BuildResult {
  readonly file: string;
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly size: number;
  readonly entries: number;
  readonly hookRan: boolean;
  readonly warnings: readonly Problem[];
}

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const dir = path.resolve(options.dir);
  const root = options.root ?? defaultRepositoryRoot();
  const first = await runValidate({ ...options, dir, root });
  const hookRan = first.package?.hooks.includes("build") ?? false;
  if (hookRan && first.package) {
    const m = first.package.manifest;
    const output = options.output
      ? path.resolve(options.output)
      : path.join(dir, `${m.name}-${m.version}.mpm`);
    await runHook(
      path.join(dir, "meta", "hooks", "build"),
      dir,
      {
        MPM_PACKAGE_DIR: dir,
        MPM_PACKAGE_NAME: m.name,
        MPM_PACKAGE_VERSION: m.version,
        MPM_OUTPUT: output,
        MPM_ROOT: root,
        MPM_TARGET: options.target ?? "osv",
      },
      options.hookOutput,
    );
  }
  const result = hookRan ? await runValidate({ ...options, dir, root }) : first;
  const pkg = result.package;
  if (!result.ok || !pkg) {
    const errors = result.problems.filter((p) => p.severity === "error");
    throw new MpmError(
      "MPM_E_PACKAGE_INVALID",
      `cannot build ${dir}: ${errors.length} problem(s):\n${errors.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
      {
        hint: "fix them (mpm validate lists them all) and build again",
        details: { problems: result.problems },
      },
    );
  }
  const output = options.output
    ? path.resolve(options.output)
    : path.join(dir, `${pkg.manifest.name}-${pkg.manifest.version}.mpm`);
  const written = await writeMpm(dir, pkg.files, output);
  return {
    file: written.file,
    name: pkg.manifest.name,
    version: pkg.manifest.version,
    sha256: written.sha256,
    size: written.size,
    entries: written.entries,
    hookRan,
    warnings: result.problems.filter((p) => p.severity === "warning"),
  };
}

function runHook(
  hook: string,
  cwd: string,
  vars: Record<string, string>,
  output: NodeJS.WritableStream | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(hook, [], {
      cwd,
      env: { ...process.env, ...vars },
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (output) {
      child.stdout.pipe(output, { end: false });
      child.stderr.pipe(output, { end: false });
    } else {
      child.stdout.resume();
      child.stderr.resume();
    }
    child.on("error", (err) =>
      reject(
        new MpmError("MPM_E_BUILD_HOOK", `cannot run ${hook}: ${err.message}`, {
          hint: "make it executable with a #! line",
          cause: err,
        }),
      ),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new MpmError("MPM_E_BUILD_HOOK", `meta/hooks/build failed (${signal ?? `exit status ${code}`})`, {
            hint: "run the hook by hand in the package folder to see why",
          }),
        );
    });
  });
}

import { access } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MpmError } from "../../errors/mpm-error.ts";
import { writeFileAtomic } from "../atomic-file.ts";
import { isValidPackageName, isValidRange, normalizeVersion, parseRequirementText } from "../manifest.ts";
import { isRuntime, RUNTIMES, type Runtime } from "../run-config.ts";
import { packageYaml, RUN_YAML_STUBS, readme } from "./init-templates.ts";

/** `mpm init [dir]`: writes a valid package skeleton; refuses to overwrite any file. */
export interface InitOptions {
  readonly dir: string;
  readonly name?: string | undefined;
  readonly title?: string | undefined;
  readonly author?: string | undefined;
  readonly version?: string | undefined;
  /** Default native. */
  readonly runtime?: string | undefined;
  readonly require?: readonly string[] | undefined;
  readonly platform?: string | undefined;
  /** Fixed creation time (tests); default now. */
  readonly now?: Date | undefined;
}

export interface InitResult {
  readonly dir: string;
  readonly name: string;
  readonly files: readonly string[];
}

export async function runInit(options: InitOptions): Promise<InitResult> {
  const dir = path.resolve(options.dir);
  const name = options.name ?? path.basename(dir).replace(/[^A-Za-z0-9._+-]/g, "-");
  if (!isValidPackageName(name)) {
    throw new MpmError("MPM_E_USAGE", `'${name}' is not a valid package name`, {
      hint: "use letters, digits and . _ + - (e.g. --name com.example.app)",
    });
  }
  const version = options.version ?? "0.1.0";
  if (normalizeVersion(version) === undefined)
    throw new MpmError("MPM_E_USAGE", `--version '${version}' is not a version`, {
      hint: "e.g. --version 1.0.0",
    });
  const runtime = options.runtime ?? "native";
  if (!isRuntime(runtime))
    throw new MpmError("MPM_E_USAGE", `unknown runtime '${runtime}'`, {
      hint: `use one of ${RUNTIMES.join(", ")}`,
    });
  for (const r of options.require ?? []) {
    const req = parseRequirementText(r);
    if (!isValidPackageName(req.name) || !isValidRange(req.range))
      throw new MpmError("MPM_E_USAGE", `--require '${r}' is not name or name@range`, {
        hint: "e.g. --require lib.ssl@^3",
      });
  }
  const title = options.title ?? name;
  const files: Record<string, string> = {
    "meta/package.yaml": packageYaml({
      name,
      title,
      author: options.author ?? (os.userInfo().username || "Anonymous"),
      version,
      require: options.require ?? [],
      created: (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      platform: options.platform,
    }),
    "meta/run.yaml": RUN_YAML_STUBS[runtime as Runtime],
    "meta/README.md": readme(title),
  };
  for (const rel of Object.keys(files)) {
    if (await exists(path.join(dir, rel))) {
      throw new MpmError(
        "MPM_E_INIT_EXISTS",
        `${path.join(dir, rel)} already exists; mpm init never overwrites`,
        {
          hint: "edit the existing files, or init into an empty folder",
        },
      );
    }
  }
  for (const [rel, text] of Object.entries(files)) await writeFileAtomic(path.join(dir, rel), text);
  return { dir, name, files: Object.keys(files) };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

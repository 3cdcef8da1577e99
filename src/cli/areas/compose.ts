import type { Command } from "commander";
import type { BaseKind } from "../../base/base-store.ts";
import { runBaseFetch } from "../../base/commands/base-fetch.ts";
import { runBaseList } from "../../base/commands/base-list.ts";
import { DEFAULT_FORMAT, IMAGE_FORMATS, runCompose } from "../../compose/commands/compose.ts";
import { MpmError } from "../../errors/mpm-error.ts";
import type { ImageFormat } from "../../image/composed-image.ts";
import { parseOptAssignment } from "../../package/opts.ts";

/**
 * Progress lines for long work: on stderr, only when stderr is a terminal or --progress was given, so
 * test output and pipelines stay clean.
 */
function progressReporter(options: { progress?: boolean }): ((message: string) => void) | undefined {
  if (!options.progress && !process.stderr.isTTY) return undefined;
  const start = Date.now();
  return (message) => {
    const seconds = ((Date.now() - start) / 1000).toFixed(1).padStart(5);
    process.stderr.write(`[${seconds}s] ${message}\n`);
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function registerBaseCommands(program: Command): void {
  const base = program
    .command("base")
    .description("Prepare the base packages mpm makes itself (kernel, busybox, node)");
  base
    .command("fetch")
    .description("Download and prepare the bases in the mpm cache; does nothing for bases already there")
    .option("--only <kinds>", "comma-separated subset: kernel,busybox,node")
    .option("--force", "prepare again even if present")
    .option("--kernel-package <name>", "Debian kernel package (default: what linux-image-amd64 depends on)")
    .option("--kernel-dir <dir>", "use an unpacked kernel package directory instead of downloading")
    .option("--progress", "show progress even when stderr is not a terminal")
    .action(
      async (opts: {
        only?: string;
        force?: boolean;
        kernelPackage?: string;
        kernelDir?: string;
        progress?: boolean;
      }) => {
        const onProgress = progressReporter(opts);
        const result = await runBaseFetch({
          ...(opts.only ? { only: opts.only.split(",").map((s) => s.trim() as BaseKind) } : {}),
          force: opts.force === true,
          ...(opts.kernelPackage ? { kernelPackage: opts.kernelPackage } : {}),
          ...(opts.kernelDir ? { kernelDir: opts.kernelDir } : {}),
          ...(onProgress ? { onProgress } : {}),
        });
        for (const p of result.prepared) {
          process.stdout.write(`${p.kind.padEnd(8)} ${p.id}${p.fresh ? "" : " (already prepared)"}\n`);
        }
      },
    );
  base
    .command("list")
    .description("Show the prepared bases")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const entries = await runBaseList();
      if (opts.json) {
        process.stdout.write(JSON.stringify(entries, null, 2) + "\n");
        return;
      }
      if (!entries.length) process.stdout.write("no bases prepared; run 'mpm base fetch'\n");
      for (const e of entries) {
        process.stdout.write(
          `${e.kind.padEnd(8)} ${e.record.id.padEnd(24)} ${megabytes(e.record.sizeBytes).padStart(9)}  ${e.record.source}\n`,
        );
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = pair.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new MpmError(
        "MPM_E_COMPOSE_INPUT",
        `--env '${pair}' is not KEY=VALUE with a valid variable name`,
        {
          hint: "write --env PORT=8080 (letters, digits and _; not starting with a digit)",
          details: { field: "--env", value: pair },
        },
      );
    }
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

interface ComposeFlags {
  format: string;
  output?: string;
  size?: string;
  boot?: string;
  env: string[];
  opt: string[];
  kernel?: string;
  loader?: string;
  allowOverwrite?: boolean;
  pull?: boolean;
  base?: string;
  cloud?: string;
  progress?: boolean;
  json?: boolean;
  with: string[];
}

function registerCompose(program: Command): void {
  program
    .command("compose <package>")
    .description(
      "Compose a bootable guest image from a package (folder, .mpm or installed name) and its dependencies",
    )
    .option("-f, --format <format>", `image format: ${IMAGE_FORMATS.join(", ")}`, DEFAULT_FORMAT)
    .option("-o, --output <file>", "image file (default ./<package>.<format extension>)")
    .option(
      "-s, --size <size>",
      "total disk size for raw, qcow2 and osv, e.g. 64M or 1G (default: what the content needs)",
    )
    .option("-b, --boot <config>", "run.yaml config set (default: config_set_default)")
    .option("-e, --env <KEY=VALUE>", "environment variable stored in the image (repeatable)", collect, [])
    .option("--opt <name=value>", "meta/opts value (repeatable)", collect, [])
    .option(
      "--kernel <path>",
      "bzImage, vmlinux or unpacked linux-image package to use instead of the kernel base",
    )
    .option("--loader <file>", "OSv loader.img (required for --format osv)")
    .option("--allow-overwrite", "let later packages replace files of earlier ones instead of failing")
    .option("--pull", "first fetch missing packages and dependencies from the remote repositories")
    .option(
      "--base <image>",
      "add the packages to this image: glance:<name or id>, or a raw/qcow2 file mpm composed",
    )
    .option("--cloud <name>", "cloud of a glance: base (default: $OS_CLOUD, else the OS_* variables)")
    .option("--progress", "show progress even when stderr is not a terminal")
    .option("--json", "print the image record as JSON")
    .option(
      "--with <package>",
      "add a package below the application: httpserver (OSv's REST API agent, port 8000) or a folder (repeatable)",
      collect,
      [],
    )
    .action(async (target: string, flags: ComposeFlags) => {
      const onProgress = progressReporter(flags);
      const opts: Record<string, string> = {};
      for (const text of flags.opt) {
        const { name, value } = parseOptAssignment(text);
        opts[name] = value;
      }
      const started = Date.now();
      const result = await runCompose({
        target,
        format: flags.format as ImageFormat,
        env: parseEnv(flags.env),
        opts,
        allowOverwrite: flags.allowOverwrite === true,
        pull: flags.pull === true,
        ...(flags.output ? { output: flags.output } : {}),
        ...(flags.size ? { size: flags.size } : {}),
        ...(flags.boot ? { boot: flags.boot } : {}),
        ...(flags.kernel ? { kernel: flags.kernel } : {}),
        ...(flags.loader ? { loader: flags.loader } : {}),
        ...(flags.base ? { base: flags.base } : {}),
        ...(flags.cloud ? { cloud: flags.cloud } : {}),
        ...(flags.with.length > 0 ? { with: flags.with } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      const image = result.image;
      if (flags.json) {
        process.stdout.write(JSON.stringify(image, null, 2) + "\n");
        return;
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(2);
      const cached =
        result.layersTotal > 1 ? `, ${result.layersCached}/${result.layersTotal} layers cached` : "";
      process.stdout.write(
        `${image.path}  ${image.format}  ${megabytes(image.sizeBytes)}  ${seconds} s${cached}\n`,
      );
      process.stdout.write(`  command: ${image.command}\n  memory:  >= ${image.minMemoryMiB} MiB\n`);
    });
}

/** Registers the compose commands (`mpm base`, `mpm compose`). The CLI only parses argv and calls run(). */
export function registerComposeCommands(program: Command): void {
  registerBaseCommands(program);
  registerCompose(program);
}

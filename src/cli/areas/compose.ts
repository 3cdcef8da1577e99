import type { Command } from "commander";
import type { BaseKind } from "../../base/base-store.ts";
import { runBaseFetch } from "../../base/commands/base-fetch.ts";
import { runBaseList } from "../../base/commands/base-list.ts";

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

/** Registers the compose commands (`mpm base`, `mpm compose`). The CLI only parses argv and calls run(). */
export function registerComposeCommands(program: Command): void {
  registerBaseCommands(program);
}

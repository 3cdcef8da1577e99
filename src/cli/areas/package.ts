import { type Command, Option } from "commander";
import { MpmError } from "../../errors/mpm-error.ts";
import type { GuestTarget } from "../../package/check-elf.ts";
import { runBuild } from "../../package/commands/build.ts";
import { runInit } from "../../package/commands/init.ts";
import { runValidate } from "../../package/commands/validate.ts";
import { formatProblem } from "../../package/problem.ts";
import { RUNTIMES } from "../../package/run-config.ts";

const collect = (value: string, previous: string[]) => [...previous, value];
const targetOption = () =>
  new Option(
    "--target <guest>",
    "guest the binaries must run in: osv (non-PIE executables are errors) or linux (warnings)",
  )
    .choices(["osv", "linux"])
    .default("osv");
const baseLibOption = () =>
  new Option("--base-lib <name>", "a library the base provides (repeatable), besides OSv's built-in libc set")
    .argParser(collect)
    .default([]);

/** Registers the package commands. Each command parses argv into its typed options and calls its run(). */
export function registerPackageCommands(program: Command): void {
  program
    .command("init")
    .description(
      "write a package skeleton (meta/package.yaml, a commented meta/run.yaml, meta/README.md); never overwrites",
    )
    .argument("[dir]", "package folder", ".")
    .option("-n, --name <name>", "package name (default: the folder's name)")
    .option("-t, --title <title>", "one-line title (default: the name)")
    .option("-a, --author <author>", "author (default: the current user)")
    .option("-v, --version <version>", "version", "0.1.0")
    .addOption(
      new Option("-r, --runtime <runtime>", "runtime of the run.yaml stub")
        .choices(RUNTIMES)
        .default("native"),
    )
    .option("--require <name[@range]>", "a required package (repeatable)", collect, [])
    .option("-p, --platform <platform>", "build platform recorded in package.yaml")
    .action(
      async (
        dir: string,
        o: {
          name?: string;
          title?: string;
          author?: string;
          version: string;
          runtime: string;
          require: string[];
          platform?: string;
        },
      ) => {
        const result = await runInit({ dir, ...o });
        process.stdout.write(
          `initialised package ${result.name} in ${result.dir}: ${result.files.join(", ")}\n`,
        );
      },
    );

  program
    .command("validate")
    .description(
      "report every problem of a package: YAML, fields, hooks, opts and ELF files, with file, line and field",
    )
    .argument("[dir]", "package folder", ".")
    .addOption(targetOption())
    .addOption(baseLibOption())
    .option("--json", "print the problems as JSON", false)
    .action(async (dir: string, o: { target: GuestTarget; baseLib: string[]; json: boolean }) => {
      const result = await runValidate({ dir, target: o.target, baseLibraries: o.baseLib });
      const errors = result.problems.filter((p) => p.severity === "error").length;
      const warnings = result.problems.length - errors;
      if (o.json) {
        process.stdout.write(
          `${JSON.stringify({ ok: result.ok, problems: result.problems, elfFiles: result.elfFiles, dependencies: result.dependencies }, null, 2)}\n`,
        );
      } else {
        for (const p of result.problems) process.stdout.write(`${formatProblem(p)}\n`);
        process.stdout.write(
          `${result.dir}: ${errors} error(s), ${warnings} warning(s), ${result.elfFiles} ELF file(s) checked\n`,
        );
      }
      if (!result.ok)
        throw new MpmError(
          "MPM_E_PACKAGE_INVALID",
          `${result.dir} is not a valid package (${errors} error(s))`,
          { hint: "fix the errors listed above" },
        );
    });

  program
    .command("build")
    .description(
      "run meta/hooks/build, validate, and write a reproducible .mpm (gzip'd tar with sha256 of every file)",
    )
    .argument("[dir]", "package folder", ".")
    .option("-o, --output <file>", "the .mpm to write (default: <dir>/<name>-<version>.mpm)")
    .addOption(targetOption())
    .addOption(baseLibOption())
    .action(async (dir: string, o: { output?: string; target: GuestTarget; baseLib: string[] }) => {
      const result = await runBuild({
        dir,
        output: o.output,
        target: o.target,
        baseLibraries: o.baseLib,
        hookOutput: process.stderr,
      });
      for (const w of result.warnings) process.stderr.write(`${formatProblem(w)}\n`);
      process.stdout.write(
        `built ${result.name} ${result.version}: ${result.file} (${result.size} bytes, ${result.entries} entries, sha256 ${result.sha256})\n`,
      );
    });
}

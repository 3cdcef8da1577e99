import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { normalizeVersion, parseRequirementText } from "../../package/manifest.ts";
import { formatDescribe, runDescribe } from "../../repo/commands/describe.ts";
import { runInstall } from "../../repo/commands/install.ts";
import { formatPackageTable, runList } from "../../repo/commands/list.ts";
import { runPull } from "../../repo/commands/pull.ts";
import { runRepoAdd, runRepoList, runRepoRemove } from "../../repo/commands/remotes.ts";
import { runRemove } from "../../repo/commands/remove.ts";
import { runRepoIndex } from "../../repo/commands/repo-index.ts";
import { runSearch } from "../../repo/commands/search.ts";
import type { DownloadProgress } from "../../repo/remote-client.ts";

const out = (text: string) => process.stdout.write(text);
const warn = (text: string) => process.stderr.write(`mpm: warning: ${text}\n`);

/** Registers the repo commands. Each command parses argv into its typed options and calls its run(). */
export function registerRepoCommands(program: Command): void {
  program
    .command("install")
    .description("install built packages (.mpm) into the local repository ($MPM_ROOT, default ~/.mpm)")
    .argument("<files...>", ".mpm files")
    .action(async (files: string[]) => {
      const result = await runInstall({ files });
      for (const p of result.installed) out(`installed ${p.name} ${p.version}\n`);
      for (const w of result.warnings) warn(w);
    });

  program
    .command("list")
    .description("list the installed packages")
    .option("--json", "print JSON", false)
    .action(async (o: { json: boolean }) => {
      const rows = await runList({});
      if (o.json) out(`${JSON.stringify(rows, null, 2)}\n`);
      else out(formatPackageTable(rows));
    });

  program
    .command("describe")
    .description(
      "show an installed package: metadata, dependency tree, boot commands, options, files, README",
    )
    .argument("<name[@range]>", "package name, optionally with a version range")
    .option("--json", "print JSON", false)
    .action(async (spec: string, o: { json: boolean }) => {
      const { name, range } = parseRequirementText(spec);
      const result = await runDescribe({ name, range });
      out(o.json ? `${JSON.stringify(result, null, 2)}\n` : formatDescribe(result));
    });

  program
    .command("remove")
    .description("remove an installed package (refused while another installed package requires it)")
    .argument("<name[@version]>", "package name, optionally one exact version")
    .action(async (spec: string) => {
      const { name, range } = parseRequirementText(spec);
      const removed = await runRemove({
        name,
        version: range === "*" ? undefined : (normalizeVersion(range) ?? range),
      });
      for (const p of removed) out(`removed ${p.name} ${p.version}\n`);
    });

  program
    .command("search")
    .description("search the local repository and every remote (name, title, author contain all words)")
    .argument("[words...]", "words to match; none lists everything")
    .option("--json", "print JSON", false)
    .action(async (words: string[], o: { json: boolean }) => {
      const result = await runSearch({ words });
      for (const w of result.warnings) warn(w);
      out(o.json ? `${JSON.stringify(result.rows, null, 2)}\n` : formatPackageTable(result.rows));
    });

  program
    .command("pull")
    .description("download packages and their dependencies from the remotes, verify sha256, install them")
    .argument("<specs...>", "name or name@range")
    .option("--progress", "show a progress bar even when stderr is not a terminal", false)
    .action(async (specs: string[], o: { progress: boolean }) => {
      const bar = progressBar(o.progress);
      const result = await runPull({ specs, onProgress: bar.update }).finally(bar.stop);
      for (const w of result.warnings) warn(w);
      for (const p of result.present) out(`already installed ${p}\n`);
      for (const p of result.installed) out(`installed ${p.name} ${p.version}\n`);
    });

  const repo = program
    .command("repo")
    .description("manage remote repositories (plain HTTP(S) folders with index.json)");
  repo
    .command("add")
    .description("add a remote repository")
    .argument("<name>", "short name")
    .argument("<url>", "http(s) URL of the folder holding index.json")
    .action(async (name: string, url: string) => {
      const remote = await runRepoAdd({ name, url });
      out(`added ${remote.name} ${remote.url}\n`);
    });
  repo
    .command("list")
    .description("list the remote repositories")
    .action(async () => {
      for (const r of await runRepoList({})) out(`${r.name}\t${r.url}\n`);
    });
  repo
    .command("remove")
    .description("remove a remote repository")
    .argument("<name>", "its name")
    .action(async (name: string) => {
      const removed = await runRepoRemove({ name });
      out(`removed ${removed.name}\n`);
    });
  repo
    .command("index")
    .description("write index.json for a folder of .mpm files, to serve it as a remote")
    .argument("<folder>", "folder of .mpm files")
    .action(async (folder: string) => {
      const result = await runRepoIndex({ folder });
      out(`indexed ${result.packages.length} package(s) in ${result.file}\n`);
    });
}

function progressBar(forced: boolean): { update: (p: DownloadProgress) => void; stop: () => void } {
  if (!forced && !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: "{name} {bar} {percentage}% | {value}/{total} KiB",
    noTTYOutput: forced,
    notTTYSchedule: 1000,
    hideCursor: true,
  });
  let current: string | undefined;
  return {
    update: (p) => {
      const kib = (n: number) => Math.ceil(n / 1024);
      if (current !== p.name) {
        if (current !== undefined) bar.stop();
        bar.start(kib(p.total), 0, { name: p.name });
        current = p.name;
      }
      bar.update(kib(p.received), { name: p.name });
    },
    stop: () => {
      if (current !== undefined) bar.stop();
    },
  };
}

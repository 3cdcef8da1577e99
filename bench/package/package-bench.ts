/**
 * Measures the package lifecycle against GNU tar + gzip on the same machine in the same run:
 * - build: `mpm build` (validation, ELF checks, sha256 of every file, reproducible tar.gz, atomic write)
 *   vs `tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -c | gzip -9n` (the same
 *   reproducible archive without checks);
 * - install: `mpm install` (checked extraction, checksum verification, atomic index) vs `tar -xzf`;
 * - archive size;
 * - `mpm --version`, the CLI's fixed start cost, which every mpm figure includes.
 * Medians of REPEATS runs; results to bench/results/package.{json,svg}.
 *
 * Reproduce: node bench/package/package-bench.ts [--repeats 5] [--mib 48]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { median } from "../median.ts";
import { barChartSvg } from "./bar-chart.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const REPEATS = option("repeats", 5);
const MIB = option("mib", 48);
const ROOT = path.resolve(import.meta.dirname, "../..");
const MPM = path.join(ROOT, "bin/mpm");
const RESULTS = path.join(ROOT, "bench/results");

function timed(
  command: string,
  argv: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; shell?: boolean },
): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
    shell: options.shell ?? false,
  });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Half incompressible bytes, half text-like lines, in 64 files over 8 folders (a typical app tree). */
async function makeTree(dir: string): Promise<void> {
  await mkdir(path.join(dir, "meta"), { recursive: true });
  await writeFile(
    path.join(dir, "meta/package.yaml"),
    "name: bench.app\ntitle: Bench\nauthor: bench\nversion: 1.0.0\n",
  );
  const perFile = Math.floor((MIB << 20) / 64);
  for (let i = 0; i < 64; i++) {
    const folder = path.join(dir, "opt/app", `d${i % 8}`);
    await mkdir(folder, { recursive: true });
    const body =
      i % 2 === 0
        ? randomBytes(perFile)
        : Buffer.from(
            `line ${i} of a text-like file with some repetition\n`.repeat(Math.ceil(perFile / 50)),
          ).subarray(0, perFile);
    await writeFile(path.join(folder, `f${i}.dat`), body);
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), "mpm-bench-"));
  try {
    const pkg = path.join(work, "pkg");
    await makeTree(pkg);
    const tarGz = path.join(work, "peer.tar.gz");
    const build = { mpm: [] as number[], tar: [] as number[] };
    const install = { mpm: [] as number[], tar: [] as number[] };
    const startup: number[] = [];
    const tarBuild = `tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --exclude=./bench.app-1.0.0.mpm -C ${pkg} -cf - . | gzip -9n > ${tarGz}`;
    const shas = new Set<string>();
    for (let r = 0; r < REPEATS; r++) {
      startup.push(timed(MPM, ["--version"], { cwd: work }));
      build.mpm.push(timed(MPM, ["build", pkg, "-o", path.join(work, "app.mpm")], { cwd: work }));
      shas.add(
        execFileSync("sha256sum", [path.join(work, "app.mpm")])
          .toString()
          .split(" ")[0]!,
      );
      build.tar.push(timed(tarBuild, [], { cwd: work, shell: true }));
      const root = path.join(work, `root${r}`);
      install.mpm.push(
        timed(MPM, ["install", path.join(work, "app.mpm")], { cwd: work, env: { MPM_ROOT: root } }),
      );
      const out = path.join(work, `tar-out${r}`);
      await mkdir(out);
      install.tar.push(timed("tar", ["-xzf", tarGz, "-C", out], { cwd: work }));
      await rm(root, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    }
    const sizes = { mpm: (await stat(path.join(work, "app.mpm"))).size, tar: (await stat(tarGz)).size };
    const results = {
      command: `node bench/package/package-bench.ts --repeats ${REPEATS} --mib ${MIB}`,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
      contentMiB: MIB,
      repeats: REPEATS,
      reproducible: shas.size === 1,
      /** `mpm --version`: the CLI's start (Node + loading every command), included in each mpm figure. */
      cliStartSeconds: median(startup),
      buildSeconds: {
        mpm: median(build.mpm),
        tar: median(build.tar),
        ratio: median(build.mpm) / median(build.tar),
      },
      installSeconds: {
        mpm: median(install.mpm),
        tar: median(install.tar),
        ratio: median(install.mpm) / median(install.tar),
      },
      archiveMiB: { mpm: sizes.mpm / 2 ** 20, tar: sizes.tar / 2 ** 20, ratio: sizes.mpm / sizes.tar },
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(path.join(RESULTS, "package.json"), `${JSON.stringify(results, null, 2)}\n`);
    const svg = barChartSvg(`Package build and install, ${MIB} MiB content (median of ${REPEATS})`, [
      {
        label: "build",
        unit: "s",
        bars: [
          { name: "mpm build", value: results.buildSeconds.mpm },
          { name: "tar | gzip -9n", value: results.buildSeconds.tar },
        ],
      },
      {
        label: "install",
        unit: "s",
        bars: [
          { name: "mpm install", value: results.installSeconds.mpm },
          { name: "tar -xzf", value: results.installSeconds.tar },
        ],
      },
      {
        label: "archive",
        unit: "MiB",
        bars: [
          { name: ".mpm", value: results.archiveMiB.mpm },
          { name: ".tar.gz", value: results.archiveMiB.tar },
        ],
      },
    ]);
    await writeFile(path.join(RESULTS, "package.svg"), svg);
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();

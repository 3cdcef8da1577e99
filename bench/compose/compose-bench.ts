/**
 * Compose times and image sizes: a cold compose (empty layer cache) against recomposing the unchanged
 * package (the peer: the same compose, cached), our QCOW2 writer against `qemu-img convert`, and the
 * size of every format, for a native shell app and a Node.js app.
 * Usage: node bench/compose/compose-bench.ts [--repeats 3]   (needs `mpm base fetch` done first)
 * Writes bench/results/compose.json and compose.svg and prints Markdown tables.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { mpmCacheDir } from "../../src/base/cache-dir.ts";
import { writeQcow2FromRaw } from "../../src/image/qcow2/qcow2-writer.ts";
import { makePackage } from "../../test/helpers/package-fixture.ts";
import { barChartSvg } from "../cloud/bar-chart.ts";
import { median } from "../median.ts";

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, "../../bin/mpm");
const RESULTS = path.resolve(import.meta.dirname, "../results");
const { values } = parseArgs({ options: { repeats: { type: "string", default: "3" } } });
const repeats = Number(values.repeats);

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const work = await mkdtemp(path.join(tmpdir(), "mpm-bench-compose-"));
try {
  const cache = path.join(work, "cache");
  await mkdir(cache);
  // The bases are shared with the real cache; only the layer cache starts empty.
  await symlink(path.join(mpmCacheDir(), "base"), path.join(cache, "base"));
  const env = { ...process.env, MPM_CACHE: cache, MPM_ROOT: path.join(work, "repo") };
  const mpm = (args: string[]) => run(BIN, args, { cwd: work, env, maxBuffer: 1 << 20 });

  const packages: Record<string, { files: Record<string, { text: string; mode: number }>; runYaml: string }> =
    {
      "native shell app": {
        files: { "app/hello.sh": { text: "#!/bin/sh\necho hello\n", mode: 0o755 } },
        runYaml: "runtime: native\nconfig_set:\n  default:\n    bootcmd: /app/hello.sh\n",
      },
      "Node.js app": {
        files: { "app/main.js": { text: "console.log('hello from node', process.version);\n", mode: 0o644 } },
        runYaml: "runtime: node\nconfig_set:\n  default:\n    main: /app/main.js\n",
      },
    };
  const results: Record<string, Record<string, number>> = {};
  for (const [label, spec] of Object.entries(packages)) {
    const dir = await makePackage(path.join(work, label.replace(/\W+/g, "-")), {
      name: "bench.app",
      runYaml: spec.runYaml,
      files: spec.files,
    });
    const image = path.join(work, "app.initrd");
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < repeats; i++) {
      await rm(path.join(cache, "layers"), { recursive: true, force: true });
      cold.push(await timed(() => mpm(["compose", dir, "-o", image])));
      warm.push(await timed(() => mpm(["compose", dir, "-o", image])));
    }
    const raw = path.join(work, "app.raw");
    await mpm(["compose", dir, "--format", "raw", "-o", raw]);
    const ours: number[] = [];
    const qemu: number[] = [];
    for (let i = 0; i < repeats; i++) {
      ours.push(await timed(() => writeQcow2FromRaw(raw, path.join(work, "ours.qcow2"))));
      qemu.push(
        await timed(() =>
          run("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, path.join(work, "qemu.qcow2")]),
        ),
      );
    }
    await mpm(["compose", dir, "--format", "qcow2", "-o", path.join(work, "app.qcow2")]);
    const size = async (f: string) => (await stat(path.join(work, f))).size / 1e6;
    results[label] = {
      coldSeconds: median(cold),
      warmSeconds: median(warm),
      oursQcow2Seconds: median(ours),
      qemuImgSeconds: median(qemu),
      initrdMB: await size("app.initrd"),
      rawMB: await size("app.raw"),
      qcow2MB: await size("app.qcow2"),
      oursQcow2MB: await size("ours.qcow2"),
      qemuImgQcow2MB: await size("qemu.qcow2"),
    };
  }
  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, "compose.json"), JSON.stringify({ repeats, results }, null, 2) + "\n");
  const groups = Object.entries(results).map(([label, r]) => ({
    label,
    bars: [
      { label: "compose, empty layer cache", value: r["coldSeconds"]! },
      { label: "recompose, unchanged", value: r["warmSeconds"]! },
      { label: "qcow2: our writer", value: r["oursQcow2Seconds"]! },
      { label: "qcow2: qemu-img convert", value: r["qemuImgSeconds"]! },
    ],
  }));
  await writeFile(
    path.join(RESULTS, "compose.svg"),
    barChartSvg(`mpm compose (median of ${repeats})`, "s", groups),
  );
  console.log(
    "| package | compose, cold (s) | recompose (s) | ratio | our qcow2 (s) | qemu-img (s) | ratio |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const [label, r] of Object.entries(results)) {
    const f = (x: number) => x.toFixed(2);
    console.log(
      `| ${label} | ${f(r["coldSeconds"]!)} | ${f(r["warmSeconds"]!)} | ${f(r["coldSeconds"]! / r["warmSeconds"]!)}x | ${f(r["oursQcow2Seconds"]!)} | ${f(r["qemuImgSeconds"]!)} | ${f(r["qemuImgSeconds"]! / r["oursQcow2Seconds"]!)}x |`,
    );
  }
  console.log(
    "\n| package | initrd (MB) | raw (MB) | qcow2 (MB) | our qcow2 of the raw (MB) | qemu-img's (MB) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const [label, r] of Object.entries(results)) {
    const f = (x: number) => x.toFixed(1);
    console.log(
      `| ${label} | ${f(r["initrdMB"]!)} | ${f(r["rawMB"]!)} | ${f(r["qcow2MB"]!)} | ${f(r["oursQcow2MB"]!)} | ${f(r["qemuImgQcow2MB"]!)} |`,
    );
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

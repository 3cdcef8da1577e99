/**
 * Upload and download of a guest image through mpm against curl, the peer, on one loopback Glance.
 * Usage: node bench/cloud/glance-transfer.ts [--mib 128] [--repeats 3]
 * Writes bench/results/glance-transfer.json and .svg and prints a Markdown table.
 */
import { execFile } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { startGlance } from "../../test/cloud/glance-server.ts";
import { median } from "../median.ts";
import { barChartSvg } from "./bar-chart.ts";

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, "../../bin/mpm");
const RESULTS = path.resolve(import.meta.dirname, "../results");

const { values } = parseArgs({
  options: { mib: { type: "string", default: "128" }, repeats: { type: "string", default: "3" } },
});
const mib = Number(values.mib);
const repeats = Number(values.repeats);

const glance = await startGlance({ sizeCapBytes: 4 * 1024 ** 3 });
const work = await mkdtemp(path.join(tmpdir(), "mpm-bench-glance-"));
try {
  const file = path.join(work, "guest.img");
  const data = Buffer.alloc(mib << 20);
  randomFillSync(data);
  await writeFile(file, data);
  await writeFile(
    path.join(work, "clouds.yaml"),
    `clouds:\n  b:\n    auth_type: none\n    auth:\n      endpoint: ${glance.url}\n`,
  );
  const env = { ...process.env, MPM_CACHE: path.join(work, "cache") };
  const timed = async (action: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    await action();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const mpm = (args: string[]) => run(BIN, args, { cwd: work, env, maxBuffer: 1 << 20 });
  const curl = (args: string[]) => run("curl", ["-sSf", ...args], { cwd: work, maxBuffer: 1 << 20 });
  const createWithCurl = async (name: string) => {
    const body = JSON.stringify({ name, disk_format: "raw", container_format: "bare" });
    const { stdout } = await curl([
      "-X",
      "POST",
      `${glance.url}/v2/images`,
      "-H",
      "content-type: application/json",
      "-d",
      body,
    ]);
    return (JSON.parse(stdout) as { id: string }).id;
  };
  const samples: Record<string, number[]> = {
    "push: curl PUT": [],
    "push: mpm push --method put": [],
    "push: mpm push (glance-direct)": [],
    "pull: curl GET": [],
    "pull: curl GET + md5sum + sha512sum": [],
    "pull: mpm pull-image": [],
  };
  for (let i = 0; i < repeats; i++) {
    samples["push: curl PUT"]!.push(
      await timed(async () => {
        const id = await createWithCurl(`curl-${i}`);
        await curl([
          "-X",
          "PUT",
          `${glance.url}/v2/images/${id}/file`,
          "-H",
          "content-type: application/octet-stream",
          "-T",
          file,
        ]);
      }),
    );
    samples["push: mpm push --method put"]!.push(
      await timed(() => mpm(["push", file, "--cloud", "b", "--name", `put-${i}`, "--method", "put"])),
    );
    samples["push: mpm push (glance-direct)"]!.push(
      await timed(() => mpm(["push", file, "--cloud", "b", "--name", `gd-${i}`])),
    );
    const putId = await idOf(`put-${i}`);
    samples["pull: curl GET"]!.push(
      await timed(() => curl(["-o", path.join(work, "c.img"), `${glance.url}/v2/images/${putId}/file`])),
    );
    samples["pull: curl GET + md5sum + sha512sum"]!.push(
      await timed(async () => {
        await curl(["-o", path.join(work, "v.img"), `${glance.url}/v2/images/${putId}/file`]);
        await Promise.all([
          run("md5sum", [path.join(work, "v.img")]),
          run("sha512sum", [path.join(work, "v.img")]),
        ]);
      }),
    );
    samples["pull: mpm pull-image"]!.push(
      await timed(() => mpm(["pull-image", `put-${i}`, "--cloud", "b", "-o", "m.img"])),
    );
    await rm(path.join(work, "m.img"));
  }
  const medians = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
  const mbps = (seconds: number) => (mib * 1.048576) / seconds;
  const rows = Object.entries(medians).map(([k, s]) => {
    const peer = k.startsWith("push") ? medians["push: curl PUT"]! : medians["pull: curl GET"]!;
    return { what: k, seconds: s, mbPerSecond: mbps(s), ratioToCurl: s / peer };
  });
  const command = `node bench/cloud/glance-transfer.ts --mib ${mib} --repeats ${repeats}`;
  await writeFile(
    path.join(RESULTS, "glance-transfer.json"),
    `${JSON.stringify({ command, mib, repeats, samples, rows }, null, 2)}\n`,
  );
  const groups = ["push", "pull"].map((kind) => ({
    label: `${kind} ${mib} MiB (median of ${repeats}, MB/s)`,
    bars: rows
      .filter((r) => r.what.startsWith(kind))
      .map((r) => ({ label: r.what.slice(6), value: r.mbPerSecond })),
  }));
  await writeFile(
    path.join(RESULTS, "glance-transfer.svg"),
    barChartSvg("mpm vs curl against a loopback Glance", "MB/s", groups),
  );
  process.stdout.write(`| what | median s | MB/s | time vs curl |\n| --- | --- | --- | --- |\n`);
  for (const r of rows)
    process.stdout.write(
      `| ${r.what} | ${r.seconds.toFixed(2)} | ${r.mbPerSecond.toFixed(0)} | ${r.ratioToCurl.toFixed(2)}x |\n`,
    );
  process.stdout.write(`reproduce: ${command}\n`);

  async function idOf(name: string): Promise<string> {
    const { stdout } = await curl([`${glance.url}/v2/images?name=${name}`]);
    return (JSON.parse(stdout) as { images: Array<{ id: string }> }).images[0]!.id;
  }
} finally {
  await glance.dispose();
  await rm(work, { recursive: true, force: true });
}

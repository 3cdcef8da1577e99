// Wake-up latency of a sleeping doorbell, waiter thread against thread pool: a child process rings a word
// of a shared region every 3 ms (stamping the time first); this process waits on it with waiterWait or
// futexWait, alternating runs, and reports ring -> callback percentiles per run and the medians over runs.
// Usage: node bench/transport/doorbell-wake.ts [runs per path, default 5]
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { shmAddon } from "../../src/transport/native/shm-addon.ts";
import { median } from "./measure.ts";

const addon = shmAddon();
const RINGS = 400;
const [role, path] = process.argv.slice(2);

if (role === "ringer") {
  const buffer = addon.map(path!, 4096, false);
  const words = new Int32Array(buffer);
  const stamp = new Float64Array(buffer);
  for (let i = 0; i <= RINGS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 3));
    stamp[1] = i === RINGS ? -1 : performance.timeOrigin + performance.now();
    Atomics.add(words, 0, 1);
    addon.futexWake(buffer, 0);
  }
} else {
  const runs = Number(role ?? 5);
  const results: Record<string, number[][]> = { waiter: [], pool: [] };
  for (let run = 0; run < runs; run++) {
    for (const path of ["waiter", "pool"] as const) results[path]!.push(await measure(path));
  }
  for (const [path, all] of Object.entries(results)) {
    const at = (q: number) => median(all.map((sorted) => sorted[Math.floor(q * (sorted.length - 1))]!));
    const per = all.map((s) => s[Math.floor(0.5 * (s.length - 1))]!.toFixed(0)).join(", ");
    console.log(
      `${path}: median over ${runs} runs p50 ${at(0.5).toFixed(0)} µs, p90 ${at(0.9).toFixed(0)} µs, ` +
        `p99 ${at(0.99).toFixed(0)} µs (run p50s: ${per})`,
    );
  }
}

/** One run: sorted ring -> callback delays in µs. */
async function measure(path: "waiter" | "pool"): Promise<number[]> {
  const file = `/dev/shm/doorbell-wake-${process.pid}`;
  const buffer = addon.map(file, 4096, true);
  const words = new Int32Array(buffer);
  const stamp = new Float64Array(buffer);
  const ringer = spawn(process.execPath, [fileURLToPath(import.meta.url), "ringer", file], {
    stdio: "inherit",
  });
  // Listened for from the start: the ringer may exit before its last ring's callback runs here.
  const exited = new Promise((resolve) => ringer.once("exit", resolve));
  const delays: number[] = [];
  for (;;) {
    const seq = Atomics.load(words, 0);
    await new Promise<boolean>((resolve) => {
      if (path === "pool") addon.futexWait(buffer, 0, seq, 50, resolve);
      else addon.waiterWait(buffer, 0, seq, 50, resolve);
    });
    if (Atomics.load(words, 0) === seq) continue; // a 50 ms timeout
    if (stamp[1] === -1) break;
    delays.push((performance.timeOrigin + performance.now() - stamp[1]!) * 1000);
  }
  await exited;
  addon.unmap(buffer);
  rmSync(file);
  return delays.sort((a, b) => a - b);
}

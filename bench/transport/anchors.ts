import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a server tool, runs the client against it, stops the server. */
async function withServer<T>(server: string[], client: () => Promise<T>): Promise<T> {
  const child = spawn(server[0]!, server.slice(1), { stdio: "ignore" });
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return await client();
  } finally {
    child.kill("SIGKILL");
  }
}

/** Debian's NetPIPE over TCP loopback, 1 B..8 MiB without perturbations: [bytes, one-way seconds][]. */
export async function netpipeTcp(outFile: string): Promise<[number, number][]> {
  const port = String(await freePort());
  const args = ["-P", port, "-p", "0", "-l", "1", "-u", String(8 << 20)];
  await withServer(["NPtcp", ...args], () =>
    run("NPtcp", ["-h", "127.0.0.1", ...args, "-o", outFile], { timeout: 180_000 }),
  );
  return readFileSync(outFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number))
    .map(([bytes, , seconds]) => [bytes!, seconds!]);
}

/** iperf3 TCP bulk throughput over loopback, MB/s. */
export async function iperf3(seconds: number): Promise<number> {
  const port = String(await freePort());
  return withServer(["iperf3", "-s", "-1", "-p", port], async () => {
    const { stdout } = await run("iperf3", ["-c", "127.0.0.1", "-p", port, "-t", String(seconds), "-J"], {
      timeout: (seconds + 20) * 1000,
    });
    return JSON.parse(stdout).end.sum_received.bits_per_second / 8e6;
  });
}

/** sockperf TCP ping-pong over loopback: mean one-way latency in microseconds. */
export async function sockperf(seconds: number, size: number): Promise<number> {
  const port = String(await freePort());
  return withServer(["sockperf", "sr", "--tcp", "-i", "127.0.0.1", "-p", port], async () => {
    const { stdout, stderr } = await run(
      "sockperf",
      ["pp", "--tcp", "-i", "127.0.0.1", "-p", port, "-t", String(seconds), "-m", String(Math.max(size, 14))],
      { timeout: (seconds + 20) * 1000 },
    );
    const m = /avg-latency=([\d.]+)/.exec(stdout + stderr) ?? /avg-rtt=([\d.]+)/.exec(stdout + stderr);
    if (!m) throw new Error(`sockperf printed no latency:\n${stdout}${stderr}`);
    return /avg-rtt/.test(m[0]) ? Number(m[1]) / 2 : Number(m[1]);
  });
}

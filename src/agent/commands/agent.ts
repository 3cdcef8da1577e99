import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { MpmError } from "../../errors/mpm-error.ts";
import type { AgentContext, PowerAction } from "../context.ts";
import { AgentServer, type TlsFiles } from "../http/agent-server.ts";
import { AppRunner } from "../system/app-runner.ts";
import { bootTimeMs } from "../system/system-info.ts";
import { locateTracefs, Tracer } from "../system/tracer.ts";

export interface AgentOptions {
  /** "host": watch one process tree on any Linux machine; "guest": be the guest's API. */
  mode: "host" | "guest";
  /** Bind address; loopback by default on a host, all interfaces in a guest. */
  host: string | undefined;
  port: number;
  /** Host mode: the process whose tree /os/threads lists (default: the agent itself). */
  pid: number | undefined;
  fileRoot: string | undefined;
  cmdlineFile: string | undefined;
  readOnly: boolean;
  /** OSv's --access-allow, already parsed. */
  accessAllow: string[];
  maxBody: number;
  ssl: boolean;
  cert: string | undefined;
  key: string | undefined;
  cacert: string | undefined;
  /** A tracefs mount to use instead of looking in /sys. */
  tracefs: string | undefined;
  /** Mount tracefs if the kernel has it and nobody mounted it (default in a guest). */
  mountTracefs: boolean | undefined;
  /** A command line to start beside the agent and watch (as /app would). */
  run: string | undefined;
  /** A shell command to start beside the agent (`/bin/sh -c`), as a guest's stored command line is run. */
  runShell?: string | undefined;
  /** Base of /proc and /sys (tests only). */
  procRoot?: string;
  sysRoot?: string;
}

export interface RunningAgent {
  readonly url: string;
  readonly port: number;
  /** Resolves with the power action that ended the agent (or "stop-api" after close()). */
  readonly done: Promise<PowerAction>;
  close(): Promise<void>;
  /** Called when a program the agent was started with (`run`, `runShell`) ends, with its exit code. */
  onAppExit(listener: (code: number | null) => void): void;
}

function readTlsFile(path: string | undefined, flag: string): Buffer {
  if (!path) {
    throw new MpmError("MPM_E_AGENT_CONFIG", `--ssl needs ${flag}`, {
      hint: "Give --cert, --key and --cacert (PEM files): the server pair and the CA that signs client certificates",
    });
  }
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new MpmError("MPM_E_AGENT_CONFIG", `Not found: ${path} (${flag})`, {
      hint: "Check the path; see docs/monitoring.md#tls for generating certificates with openssl",
      cause,
    });
  }
}

function loadTls(options: AgentOptions): TlsFiles | undefined {
  if (!options.ssl) return undefined;
  return {
    cert: readTlsFile(options.cert, "--cert"),
    key: readTlsFile(options.key, "--key"),
    ca: readTlsFile(options.cacert, "--cacert"),
  };
}

/** In a guest, power operations act on the VM through the kernel's sysrq (sync, then off or reboot). */
function guestPower(action: PowerAction, procRoot: string): void {
  if (action === "stop-api") return;
  try {
    writeFileSync(`${procRoot}/sysrq-trigger`, "s");
    writeFileSync(`${procRoot}/sysrq-trigger`, action === "reboot" ? "b" : "o");
  } catch {
    execFile(action === "reboot" ? "reboot" : "poweroff", ["-f"], () => {});
  }
}

/** Starts the agent and returns once it listens. */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const procRoot = options.procRoot ?? "/proc";
  const sysRoot = options.sysRoot ?? "/sys";
  const guest = options.mode === "guest";
  const tls = loadTls(options);
  const tracer = new Tracer(
    options.tracefs
      ? { dir: options.tracefs }
      : locateTracefs(sysRoot, { mount: options.mountTracefs ?? guest }),
  );
  const apps = new AppRunner();
  let finish: (action: PowerAction) => void = () => {};
  const done = new Promise<PowerAction>((resolve) => {
    finish = resolve;
  });
  const ctx: AgentContext = {
    mode: options.mode,
    fileRoot: options.fileRoot ?? (guest ? "/" : process.cwd()),
    cmdlineFile: options.cmdlineFile,
    rootPid: options.pid ?? process.pid,
    bootTimeMs: bootTimeMs(procRoot),
    tracer,
    apps,
    procRoot,
    sysRoot,
    // The reply is sent first; the action runs once the response has gone out.
    onPower: (action) => setTimeout(() => void stop(action), 50),
  };
  const server = new AgentServer({
    host: options.host ?? (guest ? "0.0.0.0" : "127.0.0.1"),
    port: options.port,
    readOnly: options.readOnly,
    accessAllow: options.accessAllow,
    maxBody: options.maxBody,
    tls,
    ctx,
  });
  let address: { port: number; address: string };
  try {
    address = await server.listen();
  } catch (cause) {
    tracer.close();
    throw new MpmError(
      "MPM_E_AGENT_CONFIG",
      `Cannot listen on ${options.host}:${options.port}: ${(cause as Error).message}`,
      {
        hint: "Pick another --port (0 picks a free one) or --host",
        cause,
      },
    );
  }
  let stopped = false;
  async function stop(action: PowerAction): Promise<void> {
    if (stopped) return;
    stopped = true;
    apps.stopAll();
    tracer.close();
    await server.close();
    if (guest) guestPower(action, procRoot);
    finish(action);
  }
  // The programs the agent was started with; those started later through /app do not end the agent.
  const mainPids: number[] = [];
  if (options.run || options.runShell) {
    try {
      if (options.run) mainPids.push(...apps.start(options.run));
      if (options.runShell) mainPids.push(apps.startArgv(["/bin/sh", "-c", options.runShell]));
    } catch (cause) {
      await stop("stop-api");
      throw new MpmError(
        "MPM_E_AGENT_CONFIG",
        `--run ${options.run ?? options.runShell}: ${(cause as Error).message}`,
        {
          hint: "Give one command line, several joined with &, naming an executable",
          cause,
        },
      );
    }
  }
  const host = address.address.includes(":") ? `[${address.address}]` : address.address;
  return {
    url: `${server.protocol}://${host}:${address.port}`,
    port: address.port,
    done,
    close: () => stop("stop-api"),
    onAppExit: (listener) =>
      apps.onExit((pid, code) => {
        if (mainPids.includes(pid)) listener(code);
      }),
  };
}

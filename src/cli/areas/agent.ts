import { type Command, InvalidArgumentError, Option } from "commander";
import type { ClientTlsOptions } from "../../agent/client/agent-client.ts";
import { type AgentOptions, startAgent } from "../../agent/commands/agent.ts";
import { runFreq } from "../../agent/commands/freq.ts";
import { runTop, type TerminalIo } from "../../agent/commands/top.ts";
import { parseAccessAllow } from "../../agent/http/cors.ts";
import { startMonitor } from "../../monitor/commands/monitor.ts";

const intArg =
  (name: string, min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    }
    return n;
  };

/** Runs the agent until SIGINT/SIGTERM or a power operation. Prints where it listens on stdout. */
async function runAgentCommand(options: AgentOptions): Promise<void> {
  const agent = await startAgent(options);
  process.stdout.write(`mpm agent: listening on ${agent.url}\n`);
  const onSignal = () => void agent.close();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const action = await agent.done;
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  process.stdout.write(`mpm agent: stopped (${action})\n`);
}

function registerAgent(program: Command): void {
  program
    .command("agent")
    .description(
      "Serve OSv's REST API for this machine's process tree (or, with --mode guest, the whole guest)",
    )
    .addOption(
      new Option("--mode <mode>", "host: one process tree; guest: the whole system")
        .choices(["host", "guest"])
        .default("host"),
    )
    .option("--host <address>", "bind address (default 127.0.0.1 in host mode, 0.0.0.0 in guest mode)")
    .option("--port <port>", "TCP port (0 picks a free one)", intArg("--port", 0, 65535), 8000)
    .option(
      "--pid <pid>",
      "host mode: the process whose tree /os/threads lists (default: the agent)",
      intArg("--pid", 1, 2 ** 22),
    )
    .option(
      "--file-root <dir>",
      "directory the /file API is confined to (default: cwd in host mode, / in guest mode)",
    )
    .option("--cmdline-file <file>", "file read and written by /os/cmdline (the stored boot command line)")
    .option("--read-only", "serve only OSv's read-only monitoring subset", false)
    .option(
      "--access-allow <origins>",
      "CORS allow-list: comma-separated origins, true (*) or false",
      "false",
    )
    .option(
      "--max-body <bytes>",
      "largest request body accepted",
      intArg("--max-body", 0, 2 ** 31),
      16 * 1024 * 1024,
    )
    .option("--ssl", "serve HTTPS and require client certificates signed by --cacert (TLS 1.2+)", false)
    .option("--cert <file>", "server certificate (PEM)")
    .option("--key <file>", "server private key (PEM)")
    .option("--cacert <file>", "CA certificate that client certificates must chain to (PEM)")
    .option("--tracefs <dir>", "use the tracefs mounted here (default: /sys/kernel/tracing or debugfs)")
    .option("--mount-tracefs", "mount tracefs if the kernel has it unmounted (default in guest mode)")
    .option("--run <command>", "start this command line beside the agent, as PUT /app would")
    .action(async (o) => {
      await runAgentCommand({
        mode: o.mode,
        host: o.host,
        port: o.port,
        pid: o.pid,
        fileRoot: o.fileRoot,
        cmdlineFile: o.cmdlineFile,
        readOnly: o.readOnly,
        accessAllow: parseAccessAllow(o.accessAllow),
        maxBody: o.maxBody,
        ssl: o.ssl,
        cert: o.cert,
        key: o.key,
        cacert: o.cacert,
        tracefs: o.tracefs,
        mountTracefs: o.mountTracefs,
        run: o.run,
      });
    });
}

const positiveNumber =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number above 0`);
    return n;
  };

/** OSv client.py's TLS options: --key (with --cert) switches to https. */
function addClientTlsOptions(command: Command): Command {
  return command
    .option("--cert <file>", "client certificate (PEM); with --key switches to https")
    .option("--key <file>", "client private key (PEM)")
    .option("--cacert <file>", "CA that signed the agent's certificate (PEM)")
    .option("--no-verify", "do not verify the agent's certificate");
}

function clientTls(o: {
  cert?: string;
  key?: string;
  cacert?: string;
  verify: boolean;
}): ClientTlsOptions | undefined {
  if (!o.key && !o.cert) return undefined;
  if (!o.key || !o.cert) throw new InvalidArgumentError("--cert and --key go together");
  return { cert: o.cert, key: o.key, cacert: o.cacert, noVerify: !o.verify };
}

/** Stdout as the terminal: cleared only when it is one; Ctrl-C, TERM and HUP end the loop cleanly. */
function terminalIo(): { io: TerminalIo; done: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(s, abort);
  return {
    io: { out: process.stdout, clearScreen: process.stdout.isTTY === true, signal: controller.signal },
    done: () => {
      for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(s, abort);
    },
  };
}

function registerTop(program: Command): void {
  const command = program
    .command("top")
    .description("Show the busiest threads of a guest (OSv's top.py) from successive /os/threads samples")
    .argument("[target]", "agent as host[:port] or http(s)://host:port (port 8000 by default)", "localhost")
    .option(
      "-s, --switches",
      "show context switches, preemptions and migrations (totals and per second)",
      false,
    )
    .option("-l, --lines <n>", "number of threads shown", intArg("--lines", 1, 100000), 20)
    .option("-i, --idle", "show idle threads as rows", false)
    .option("-p, --period <seconds>", "refresh period in seconds", positiveNumber("--period"), 2)
    .option(
      "-n, --iterations <n>",
      "stop after n refreshes (default: until Ctrl-C)",
      intArg("--iterations", 1, 2 ** 31),
    );
  addClientTlsOptions(command).action(async (target: string, o) => {
    const { io, done } = terminalIo();
    try {
      await runTop(
        {
          target,
          switches: o.switches,
          lines: o.lines,
          idle: o.idle,
          period: o.period,
          iterations: o.iterations,
          tls: clientTls(o),
        },
        io,
      );
    } finally {
      done();
    }
  });
}

function registerFreq(program: Command): void {
  const command = program
    .command("freq")
    .description("Print tracepoint events per second (OSv's freq.py); lists tracepoints when none is given")
    .argument("[target]", "agent as host[:port] or http(s)://host:port (port 8000 by default)", "localhost")
    .argument(
      "[tracepoint...]",
      "tracepoints to count (OSv names such as sched_switch, or Linux subsystem:event)",
    )
    .option("-p, --period <seconds>", "sampling period in seconds", positiveNumber("--period"), 2)
    .option(
      "-n, --iterations <n>",
      "stop after n rows (default: until Ctrl-C)",
      intArg("--iterations", 1, 2 ** 31),
    );
  addClientTlsOptions(command).action(async (target: string, tracepoints: string[], o) => {
    const { io, done } = terminalIo();
    try {
      await runFreq(
        { target, tracepoints, period: o.period, iterations: o.iterations, tls: clientTls(o) },
        io,
      );
    } finally {
      done();
    }
  });
}

function registerMonitor(program: Command): void {
  const command = program
    .command("monitor")
    .description("Poll many agents and publish Prometheus metrics on /metrics and a live dashboard on /")
    .argument("<target...>", "agents as host[:port] or http(s)://host:port (port 8000 by default)")
    .option("--interval <seconds>", "seconds between polls of each guest", positiveNumber("--interval"), 1)
    .option(
      "-t, --tracepoint <name>",
      "count this tracepoint on every guest (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option("--host <address>", "address the monitor serves on", "127.0.0.1")
    .option(
      "--port <port>",
      "port the monitor serves on (0 picks a free one)",
      intArg("--port", 0, 65535),
      9100,
    );
  addClientTlsOptions(command).action(async (targets: string[], o) => {
    const monitor = await startMonitor({
      targets,
      interval: o.interval,
      tracepoints: o.tracepoint,
      host: o.host,
      port: o.port,
      tls: clientTls(o),
    });
    process.stdout.write(`mpm monitor: serving on ${monitor.url} (metrics on /metrics, dashboard on /)\n`);
    await new Promise<void>((resolve) => {
      for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve());
    });
    await monitor.close();
  });
}

/** Registers the agent commands. Each command parses argv into its typed options and calls its run(). */
export function registerAgentCommands(program: Command): void {
  registerAgent(program);
  registerTop(program);
  registerFreq(program);
  registerMonitor(program);
}

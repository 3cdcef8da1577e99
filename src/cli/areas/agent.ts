import { type Command, InvalidArgumentError, Option } from "commander";
import { type AgentOptions, startAgent } from "../../agent/commands/agent.ts";
import { parseAccessAllow } from "../../agent/http/cors.ts";

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

/** Registers the agent commands. Each command parses argv into its typed options and calls its run(). */
export function registerAgentCommands(program: Command): void {
  registerAgent(program);
}

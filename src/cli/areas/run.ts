import type { Command } from "commander";
import { logs } from "../../run/commands/logs.ts";
import { formatGuestTable, ps } from "../../run/commands/ps.ts";
import { run } from "../../run/commands/run.ts";
import { stop } from "../../run/commands/stop.ts";
import { testPackage } from "../../run/commands/test.ts";
import { parseAccelChoice } from "../../run/qemu/accel.ts";
import {
  parseAssignments,
  parseCpus,
  parseMachine,
  parseMemoryMiB,
  parsePort,
  parseSharedMemory,
  parseTimeoutSeconds,
} from "../../run/run-options.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

function notice(line: string): void {
  process.stderr.write(`mpm: ${line}\n`);
}

/** Compose progress on stderr, only on a terminal or when asked (keeps piped and test output clean). */
function progressReporter(asked: boolean | undefined): { onProgress?: (message: string) => void } {
  if (!asked && !process.stderr.isTTY) return {};
  return { onProgress: (message) => process.stderr.write(`mpm: ${message}\n`) };
}

/** SIGINT/SIGTERM stop the guest instead of leaving QEMU behind. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  for (const name of ["SIGINT", "SIGTERM"] as const) process.once(name, () => controller.abort());
  return controller.signal;
}

interface RunFlags {
  cpus?: string;
  memory?: string;
  port: string[];
  env: string[];
  opt: string[];
  boot?: string;
  command?: string;
  detach?: boolean;
  name?: string;
  accel: string;
  machine?: string;
  shm: string[];
  timeout?: string;
  progress?: boolean;
}

/** Registers run, ps, logs, stop and test. Each parses argv into typed options and calls its run(). */
export function registerRunCommands(program: Command): void {
  program
    .command("run")
    .description("Boot an image, or compose a package and boot it, under QEMU")
    .argument("<image|package>", "an image (or its .json record), a package name or a package directory")
    .option("-c, --cpus <n>", "virtual CPUs", "1")
    .option("-m, --memory <size>", "guest memory in MiB (or with M/G suffix); default: the image's minimum")
    .option(
      "-p, --port <host:guest>",
      "forward 127.0.0.1:host to the guest's TCP port (repeatable)",
      collect,
      [],
    )
    .option("-e, --env <K=V>", "set an environment variable in the guest (repeatable)", collect, [])
    .option("--opt <name=value>", "set a package option (meta/opts) at run time (repeatable)", collect, [])
    .option("-b, --boot <config>", "run.yaml config set to compose with (packages only)")
    .option("--command <cmdline>", "replace the application's command line")
    .option("-d, --detach", "run in the background; see mpm ps, logs, stop")
    .option("-n, --name <name>", "guest name (default: the package name)")
    .option("--accel <auto|kvm|tcg>", "accelerator; auto uses KVM when it works", "auto")
    .option("--machine <microvm|pc>", "QEMU machine (default: microvm for initrd images, pc for disks)")
    .option(
      "--shm <name[:size]>",
      "attach /dev/shm/<name> as an ivshmem-plain device (default 4M)",
      collect,
      [],
    )
    .option("--timeout <seconds>", "stop the guest and fail after this long (foreground only)")
    .option("--progress", "show compose progress even when stderr is not a terminal")
    .action(async (target: string, flags: RunFlags) => {
      const result = await run({
        target,
        cpus: parseCpus(flags.cpus ?? "1"),
        ...(flags.memory !== undefined ? { memoryMiB: parseMemoryMiB(flags.memory) } : {}),
        ports: flags.port.map(parsePort),
        env: parseAssignments(flags.env, "--env"),
        opts: parseAssignments(flags.opt, "--opt"),
        ...(flags.boot !== undefined ? { boot: flags.boot } : {}),
        ...(flags.command !== undefined ? { command: flags.command } : {}),
        detach: flags.detach === true,
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        accel: parseAccelChoice(flags.accel),
        ...(flags.machine !== undefined ? { machine: parseMachine(flags.machine) } : {}),
        sharedMemory: flags.shm.map(parseSharedMemory),
        ...(flags.timeout !== undefined
          ? { timeoutSeconds: parseTimeoutSeconds(flags.timeout, "--timeout") }
          : {}),
        notice,
        ...progressReporter(flags.progress),
        signal: interruptSignal(),
      });
      if (result.guest !== undefined) {
        const ports = result.ports.map((p) => ` 127.0.0.1:${p.host}->${p.guest}`).join("");
        process.stdout.write(`${result.name}\n`);
        process.stderr.write(`mpm: guest ${result.name} started (pid ${result.guest.pid})${ports}\n`);
      } else {
        process.exitCode = result.exitStatus ?? 0;
      }
    });

  program
    .command("ps")
    .description("List the running detached guests")
    .action(() => {
      process.stdout.write(formatGuestTable(ps(), new Date()));
    });

  program
    .command("logs")
    .description("Print a detached guest's console")
    .argument("<name>", "guest name (see mpm ps)")
    .option("-f, --follow", "keep printing until the guest stops")
    .action(async (name: string, flags: { follow?: boolean }) => {
      await logs({ name, follow: flags.follow === true, signal: interruptSignal() });
    });

  program
    .command("stop")
    .description("Stop a detached guest")
    .argument("<name>", "guest name (see mpm ps)")
    .action(async (name: string) => {
      await stop({ name });
    });

  program
    .command("test")
    .description("Compose a package, boot it and run its meta/hooks/test against the guest")
    .argument("<package>", "a package directory or name")
    .option("-b, --boot <config>", "run.yaml config set to compose with")
    .option("--accel <auto|kvm|tcg>", "accelerator; auto uses KVM when it works", "auto")
    .option("-m, --memory <size>", "guest memory in MiB; default: the image's minimum")
    .option("--boot-timeout <seconds>", "how long the application may take to start", "180")
    .option("--hook-timeout <seconds>", "how long the test hook may run", "120")
    .option("--progress", "show compose progress even when stderr is not a terminal")
    .action(async (target: string, flags: TestFlags) => {
      const result = await testPackage({
        target,
        ...(flags.boot !== undefined ? { boot: flags.boot } : {}),
        accel: parseAccelChoice(flags.accel),
        ...(flags.memory !== undefined ? { memoryMiB: parseMemoryMiB(flags.memory) } : {}),
        bootTimeoutSeconds: parseTimeoutSeconds(flags.bootTimeout, "--boot-timeout"),
        hookTimeoutSeconds: parseTimeoutSeconds(flags.hookTimeout, "--hook-timeout"),
        output: process.stdout,
        notice,
        ...progressReporter(flags.progress),
      });
      process.stderr.write(`mpm: test of ${result.package} passed (${result.seconds.toFixed(1)} s)\n`);
    });
}

interface TestFlags {
  boot?: string;
  accel: string;
  memory?: string;
  bootTimeout: string;
  hookTimeout: string;
  progress?: boolean;
}

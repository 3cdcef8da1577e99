import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MpmError } from "../../errors/mpm-error.ts";
import type { ComposedImage } from "../../image/composed-image.ts";
import { composeForRun } from "../compose-for-run.ts";
import { launchDetached } from "../guests/detached.ts";
import { runForeground } from "../guests/foreground.ts";
import { freeGuestName, type GuestState, removeGuest, reserveGuest } from "../guests/guest-store.ts";
import { claimHostPorts } from "../host-ports.ts";
import { mpmRoot } from "../mpm-root.ts";
import { type AccelChoice, decideAccel } from "../qemu/accel.ts";
import { readHostFacts } from "../qemu/host-facts.ts";
import {
  buildQemuArgs,
  defaultMachine,
  type Machine,
  type PortForward,
  type QemuPlan,
  type Serial,
  type SharedMemory,
} from "../qemu/qemu-args.ts";
import { findQemu } from "../qemu/qemu-binary.ts";
import { buildRunConfig } from "../run-config.ts";
import { checkGuestName } from "../run-options.ts";
import { type Composer, resolveRunTarget } from "../run-target.ts";

export interface RunOptions {
  /** An image (file or its .json record) or a package (name or directory), composed first. */
  readonly target: string;
  readonly cpus?: number;
  /** Guest memory; the image's minimum when absent. */
  readonly memoryMiB?: number;
  readonly ports?: readonly PortForward[];
  readonly env?: Readonly<Record<string, string>>;
  readonly opts?: Readonly<Record<string, string>>;
  readonly boot?: string;
  readonly command?: string;
  readonly detach?: boolean;
  readonly name?: string;
  readonly accel?: AccelChoice;
  readonly machine?: Machine;
  readonly sharedMemory?: readonly SharedMemory[];
  /** Foreground only: stop the guest and fail after this many seconds. */
  readonly timeoutSeconds?: number;
  /** mpm's state root; $MPM_ROOT or ~/.mpm when absent. */
  readonly root?: string;
  /** Foreground only: where the console goes (stdout by default). */
  readonly console?: NodeJS.WritableStream;
  /** Progress of long steps (composing a package); the CLI shows it on a terminal or with --progress. */
  readonly onProgress?: (message: string) => void;
  /** One-line notices for the user (the accelerator fallback). */
  readonly notice?: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly composer?: Composer;
}

export interface RunResult {
  readonly name: string;
  readonly image: ComposedImage;
  readonly ports: readonly PortForward[];
  /** The application's exit status (foreground); undefined for a detached guest. */
  readonly exitStatus: number | undefined;
  /** Set for a detached guest. */
  readonly guest: GuestState | undefined;
}

/** `mpm run`: boots an image (composing a package first) under QEMU, attached or detached. */
export async function run(options: RunOptions): Promise<RunResult> {
  const root = options.root ?? mpmRoot();
  if (options.name !== undefined) checkGuestName(options.name);
  const qemu = findQemu();
  const image = await resolveRunTarget(options.target, {
    boot: options.boot,
    composer: options.composer ?? composeForRun,
    onProgress: options.onProgress,
  });
  if (options.machine === "microvm" && image.format !== "initrd") {
    throw new MpmError(
      "MPM_E_BAD_RUN_OPTION",
      `--machine microvm cannot boot the ${image.format} image ${image.path}`,
      {
        hint: "microvm has no BIOS to boot disks: use --machine pc, or compose with --format initrd",
      },
    );
  }
  const ports = await claimHostPorts(options.ports ?? []);
  const facts = readHostFacts();
  const decision = decideAccel(options.accel ?? "auto", facts);
  if (decision.notice !== undefined) options.notice?.(decision.notice);
  const name = options.name ?? freeGuestName(root, defaultGuestName(image));
  const runConfig = buildRunConfig({
    command: options.command,
    env: options.env ?? {},
    hostname: name,
    opts: options.opts ?? {},
  });
  const plan = (serial: Serial, runConfigFile: string): QemuPlan => ({
    format: image.format,
    imagePath: image.path,
    kernel: image.kernel,
    kernelArgs: image.kernelArgs,
    machine: options.machine ?? defaultMachine(image.format),
    accel: decision.accel,
    cpus: options.cpus ?? 1,
    memoryMiB: options.memoryMiB ?? image.minMemoryMiB,
    ports,
    serial,
    runConfigFile,
    sharedMemory: options.sharedMemory ?? [],
    tscKhz: facts.tscKhz,
  });
  const base = { name, image, ports };

  if (options.detach) {
    const files = reserveGuest(root, name);
    try {
      writeFileSync(files.runConfig, JSON.stringify(runConfig));
      const args = buildQemuArgs(plan({ kind: "file", path: files.console }, files.runConfig));
      const guest = await launchDetached({
        root,
        files,
        qemu,
        args,
        state: { schema: 1, name, image: image.path, package: image.package.name, ports },
      });
      return { ...base, exitStatus: undefined, guest };
    } catch (error) {
      removeGuest(root, name);
      throw error;
    }
  }

  const temp = mkdtempSync(join(tmpdir(), "mpm-run-"));
  try {
    const runConfigFile = join(temp, "run.json");
    writeFileSync(runConfigFile, JSON.stringify(runConfig));
    const exitStatus = await runForeground({
      name,
      qemu,
      args: buildQemuArgs(plan({ kind: "stdio" }, runConfigFile)),
      console: options.console ?? process.stdout,
      signal: options.signal,
      timeoutSeconds: options.timeoutSeconds,
    });
    return { ...base, exitStatus, guest: undefined };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A guest is named after its package, made a valid guest name. */
function defaultGuestName(image: ComposedImage): string {
  const cleaned = image.package.name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return cleaned.slice(0, 56) || "guest";
}

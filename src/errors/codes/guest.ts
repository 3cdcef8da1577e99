import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the guest capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const guestCodes = {
  // run
  MPM_E_QEMU_MISSING: {
    kind: "unavailable",
    summary: "qemu-system-x86_64 (or qemu-img) is not installed or not on PATH.",
  },
  MPM_E_QEMU_FAILED: {
    kind: "failed",
    summary: "QEMU refused the guest's configuration or exited before the guest booted.",
  },
  MPM_E_KVM_UNUSABLE: {
    kind: "unavailable",
    summary: "--accel kvm was asked for but /dev/kvm is missing, inaccessible or cannot run a normal guest.",
  },
  MPM_E_PORT_IN_USE: {
    kind: "conflict",
    summary: "A host port given with --port is already taken by another process.",
  },
  MPM_E_BAD_RUN_OPTION: {
    kind: "input",
    summary: "A run option (--port, -m, -c, --env, --opt, --shm, --name, --accel) has a malformed value.",
  },
  MPM_E_IMAGE_NOT_FOUND: {
    kind: "notFound",
    summary: "The image (or its <image>.json record) to run does not exist.",
  },
  MPM_E_IMAGE_RECORD: {
    kind: "input",
    summary: "An image's <image>.json record is unreadable or not a valid composed-image record.",
  },
  MPM_E_GUEST_DIED: {
    kind: "failed",
    summary: "The guest stopped (panic, power-off, killed) without reporting the application's exit status.",
  },
  MPM_E_GUEST_TIMEOUT: {
    kind: "failed",
    summary: "The guest did not start its application within the allowed time.",
  },
  MPM_E_GUEST_NOT_FOUND: {
    kind: "notFound",
    summary: "No detached guest with that name is running (see mpm ps).",
  },
  MPM_E_GUEST_NAME_TAKEN: {
    kind: "conflict",
    summary: "A detached guest with that --name is already running.",
  },
  MPM_E_TEST_HOOK_MISSING: {
    kind: "input",
    summary: "mpm test was given a package without an executable meta/hooks/test.",
  },
  MPM_E_TEST_FAILED: {
    kind: "failed",
    summary: "The package's meta/hooks/test exited non-zero or timed out against the booted guest.",
  },
  // compose
  MPM_E_BASE_MISSING: {
    kind: "unavailable",
    summary:
      "A base (kernel, busybox or node runtime) is not prepared in the mpm cache; run `mpm base fetch`.",
  },
  MPM_E_BASE_FETCH: {
    kind: "unavailable",
    summary: "A base package could not be downloaded or unpacked from the Debian archive.",
  },
  MPM_E_KERNEL_INVALID: {
    kind: "input",
    summary: "The kernel given with --kernel is not a usable bzImage or vmlinux, or lacks a guest driver.",
  },
  MPM_E_COMPOSE_TOOL_MISSING: {
    kind: "unavailable",
    summary: "A host tool compose needs (xz, syslinux, mkfs.vfat, mcopy, apt-get) is not installed.",
  },
  MPM_E_COMPOSE_TOOL_FAILED: { kind: "failed", summary: "A host tool run by compose failed." },
  MPM_E_COMPOSE_INPUT: {
    kind: "input",
    summary: "A compose option is malformed: --format, --size, --env, --opt, --boot or the package path.",
  },
  MPM_E_COMPOSE_CONFLICT: {
    kind: "conflict",
    summary:
      "Two packages provide the same file with different content; pass --allow-overwrite to let later ones win.",
  },
  MPM_E_COMPOSE_TOO_SMALL: {
    kind: "tooLarge",
    summary: "The content does not fit the image size given with --size.",
  },
  MPM_E_OSV_CMDLINE_TOO_LONG: {
    kind: "tooLarge",
    summary: "The command line does not fit OSv's 1023-byte command line area.",
  },
  MPM_E_OSV_LOADER: {
    kind: "input",
    summary: "The OSv loader image (--loader) is missing or not an OSv loader.img.",
  },
  MPM_E_ROFS_INVALID: { kind: "input", summary: "A ROFS filesystem image is malformed." },
  MPM_E_HOOK_FAILED: {
    kind: "failed",
    summary: "A package's meta/hooks/run or meta/hooks/java-run hook failed.",
  },
} as const satisfies Record<string, CodeSpec>;

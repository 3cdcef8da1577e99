import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the guest capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const guestCodes = {
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

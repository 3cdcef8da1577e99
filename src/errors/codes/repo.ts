import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the repo capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const repoCodes = {
  MPM_E_REPO_NOT_INSTALLED: {
    kind: "notFound",
    summary: "No installed package has that name (and version range) in the local repository.",
  },
  MPM_E_REPO_IN_USE: {
    kind: "conflict",
    summary: "The package cannot be removed: another installed package requires it.",
  },
  MPM_E_REPO_LOCKED: {
    kind: "unavailable",
    summary: "Another mpm process holds the local repository lock for too long.",
  },
  MPM_E_REPO_CORRUPT: {
    kind: "unavailable",
    summary: "The local repository's index cannot be read; it was changed by something other than mpm.",
  },
  MPM_E_DEP_NOT_FOUND: {
    kind: "notFound",
    summary: "A required package is in no repository; the message names the chain that requires it.",
  },
  MPM_E_DEP_UNSATISFIABLE: {
    kind: "conflict",
    summary: "No available version satisfies a required range; the message names the chain and versions.",
  },
  MPM_E_DEP_CYCLE: {
    kind: "input",
    summary: "Packages require each other in a cycle; the message names it.",
  },
  MPM_E_DEP_CONFLICT: {
    kind: "conflict",
    summary: "Two incompatible versions of one package are requested; both chains are named.",
  },
  MPM_E_REMOTE_UNREACHABLE: {
    kind: "unavailable",
    summary: "A remote repository did not answer (connection refused, timeout, HTTP error).",
  },
  MPM_E_REMOTE_INDEX: { kind: "unavailable", summary: "A remote repository's index.json is malformed." },
  MPM_E_REMOTE_CHECKSUM: {
    kind: "failed",
    summary: "A downloaded package does not match the sha256 of the remote index; nothing was installed.",
  },
  MPM_E_REMOTE_EXISTS: {
    kind: "conflict",
    summary: "A remote repository with that name is already configured.",
  },
  MPM_E_REMOTE_NOT_FOUND: { kind: "notFound", summary: "No remote repository with that name is configured." },
} as const satisfies Record<string, CodeSpec>;

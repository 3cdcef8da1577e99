import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the package capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const packageCodes = {
  MPM_E_PACKAGE_NOT_FOUND: {
    kind: "notFound",
    summary: "The directory is not a package: it has no meta/package.yaml.",
  },
  MPM_E_PACKAGE_INVALID: {
    kind: "input",
    summary:
      "The package has problems (YAML, fields, hooks, opts, ELF files); each names file, line and field.",
  },
  MPM_E_RUN_CONFIG: {
    kind: "input",
    summary: "No boot command can be resolved: unknown config set, missing base package or no run.yaml.",
  },
  MPM_E_OPT: { kind: "input", summary: "An --opt value is malformed or names an option the package lacks." },
  MPM_E_ARCHIVE_NOT_GZIP: { kind: "input", summary: "The file is not a gzip'd tar (.mpm)." },
  MPM_E_ARCHIVE_CORRUPT: {
    kind: "input",
    summary: "The .mpm archive is truncated or malformed, or holds an entry type mpm does not accept.",
  },
  MPM_E_ARCHIVE_UNSAFE: {
    kind: "forbidden",
    summary: "An archive entry is absolute, contains `..`, or is a link escaping the package root.",
  },
  MPM_E_ARCHIVE_CHECKSUM: {
    kind: "input",
    summary: "A file in the archive does not match the sha256 recorded in meta/SHA256SUMS.",
  },
  MPM_E_INIT_EXISTS: {
    kind: "conflict",
    summary: "`mpm init` refuses to overwrite an existing package file.",
  },
  MPM_E_BUILD_HOOK: { kind: "failed", summary: "The package's meta/hooks/build exited with an error." },
} as const satisfies Record<string, CodeSpec>;

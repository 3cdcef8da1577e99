import { walkMpm } from "../archive/read-mpm.ts";
import { MpmError } from "../errors/mpm-error.ts";
import { MANIFEST_FILE, type PackageManifest, parseManifest } from "../package/manifest.ts";
import { formatProblem, ProblemList } from "../package/problem.ts";

/** Reads meta/package.yaml out of a .mpm without extracting it; the whole archive is checked on the way. */
export async function readMpmManifest(file: string): Promise<PackageManifest> {
  const chunks: Uint8Array[] = [];
  await walkMpm(file, async (entry) =>
    entry.path === MANIFEST_FILE
      ? {
          write: async (chunk) => {
            chunks.push(chunk);
          },
          close: async () => undefined,
        }
      : undefined,
  );
  if (chunks.length === 0) {
    throw new MpmError("MPM_E_PACKAGE_NOT_FOUND", `${file} has no ${MANIFEST_FILE}`, {
      hint: "build packages with `mpm build`",
    });
  }
  const problems = new ProblemList();
  const manifest = parseManifest(Buffer.concat(chunks).toString("utf8"), problems);
  const errors = problems.items.filter((p) => p.severity === "error");
  if (!manifest || errors.length > 0) {
    throw new MpmError("MPM_E_PACKAGE_INVALID", `${file}: ${errors.map(formatProblem).join("; ")}`, {
      hint: "fix the package and build it again",
    });
  }
  return manifest;
}

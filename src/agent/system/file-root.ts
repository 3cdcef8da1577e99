import { lstatSync, realpathSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { MpmError } from "../../errors/mpm-error.ts";

/**
 * Maps API paths onto a directory so that no operation reaches outside it: the path is normalised as an
 * absolute path under the root (so `..` stops at the root), and the real path of what exists (symlinks
 * resolved) must still be inside the root's real path.
 */
export class FileRoot {
  readonly root: string;
  private readonly realRoot: string;

  constructor(root: string) {
    this.root = root;
    this.realRoot = realpathSync(root);
  }

  /** The host path for an API path, without following anything yet. */
  hostPath(apiPath: string): string {
    const normal = posix.normalize(`/${apiPath}`);
    return normal === "/" ? this.realRoot : join(this.realRoot, normal);
  }

  /** The API path (leading slash) for a host path inside the root. */
  apiPath(hostPath: string): string {
    const rel = relative(this.realRoot, hostPath);
    return `/${rel.split(sep).join("/")}`;
  }

  private inside(real: string): boolean {
    const rel = relative(this.realRoot, real);
    return rel === "" || (!rel.startsWith("..") && !posix.isAbsolute(rel));
  }

  private check(apiPath: string, real: string): void {
    if (!this.inside(real)) {
      throw new MpmError("MPM_E_AGENT_PATH_ESCAPE", `Path ${apiPath} resolves outside the /file root`, {
        hint: "Symbolic links and '..' cannot leave the directory the agent serves with --file-root",
        details: { path: apiPath },
      });
    }
  }

  /** Deepest existing ancestor's real path plus the rest, so new names are checked before creation. */
  private realOf(hostPath: string): string {
    let existing = hostPath;
    const rest: string[] = [];
    for (;;) {
      try {
        return join(realpathSync(existing), ...rest.reverse());
      } catch {
        const parent = dirname(existing);
        if (parent === existing) return hostPath;
        rest.push(existing.slice(parent.length + 1));
        existing = parent;
      }
    }
  }

  /** For operations that follow the final name (read, write, list): everything resolved must stay inside. */
  resolve(apiPath: string): string {
    const host = this.hostPath(apiPath);
    this.check(apiPath, this.realOf(host));
    return host;
  }

  /** For operations on the name itself (lstat, unlink, rename): only its directory must resolve inside. */
  resolveEntry(apiPath: string): string {
    const host = this.hostPath(apiPath);
    if (host === this.realRoot) return host;
    this.check(apiPath, this.realOf(dirname(host)));
    let isLink = false;
    try {
      isLink = lstatSync(host).isSymbolicLink();
    } catch {
      // a new name: its directory was checked
    }
    if (!isLink) this.check(apiPath, this.realOf(host));
    return host;
  }
}

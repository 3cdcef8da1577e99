import { MpmError } from "../../errors/mpm-error.ts";
import { type LoadedPackage, loadPackage } from "../../package/load-package.ts";
import { HTTPSERVER_PACKAGE, httpserverPackageDir } from "./httpserver-package.ts";

/** Packages that `mpm compose --with` can add by name (besides package folders). */
export const WITH_PACKAGES: readonly string[] = [HTTPSERVER_PACKAGE];

/**
 * The packages named by `compose --with`: `httpserver` (the agent, generated for this mpm) or a package
 * folder. They go below the application, so their run hooks wrap its command.
 */
export async function loadWithPackages(names: readonly string[], cacheDir: string): Promise<LoadedPackage[]> {
  const out: LoadedPackage[] = [];
  for (const name of names) {
    if (name === HTTPSERVER_PACKAGE) {
      out.push(await loadPackage(await httpserverPackageDir(cacheDir)));
      continue;
    }
    try {
      out.push(await loadPackage(name));
    } catch (cause) {
      throw new MpmError(
        "MPM_E_AGENT_CONFIG",
        `--with ${name}: not ${WITH_PACKAGES.join(" or ")} nor a package folder`,
        {
          hint: `use --with ${HTTPSERVER_PACKAGE}, or a folder with meta/package.yaml`,
          cause,
        },
      );
    }
  }
  return out;
}

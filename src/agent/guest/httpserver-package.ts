import { createHash } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pkg from "../../../package.json" with { type: "json" };
import { bundleAgent } from "./bundle-agent.ts";

export const HTTPSERVER_PACKAGE = "httpserver";
/** Where the agent lives in a guest. */
export const GUEST_AGENT_PATH = "/usr/lib/mpm-agent/agent.mjs";

/**
 * meta/hooks/run: compose passes the application's command in MPM_COMMAND; the hook prints the command
 * that starts the agent instead, which starts the application (through /bin/sh, as init would) and exits
 * with its status. The application's command is also stored as /etc/mpm/cmdline for GET/POST /os/cmdline.
 */
const RUN_HOOK = `#!/bin/sh
set -eu
mkdir -p "$MPM_ROOTFS/etc/mpm"
printf '%s' "$MPM_COMMAND" >"$MPM_ROOTFS/etc/mpm/cmdline"
# Inside double quotes at boot: keep $VARS for the guest shell, escape what would end or alter the quotes.
app=$(printf '%s' "$MPM_COMMAND" | sed 's/[\\\\"\`]/\\\\&/g')
echo "node ${GUEST_AGENT_PATH} --mode guest --port \${MPM_AGENT_PORT:-8000} --cmdline-file /etc/mpm/cmdline --exit-with-app --shell \\"$app\\""
`;

const PACKAGE_YAML = `name: ${HTTPSERVER_PACKAGE}
title: OSv REST API agent (mpm)
author: MIKELANGELO mpm
version: ${pkg.version}
`;

const RUN_YAML = `runtime: node
config_set:
  default:
    main: ${GUEST_AGENT_PATH}
config_set_default: default
`;

const README = `# httpserver

OSv's REST API (the mpm agent) beside the application: compose with \`mpm compose <app> --with httpserver\`.
The guest serves the API on port 8000 (MPM_AGENT_PORT); forward it with \`mpm run ... --port 8000:8000\`.
`;

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The httpserver package, generated into the cache (keyed by the bundle's hash) so it always matches this
 * mpm: meta/ (package.yaml, run.yaml, hooks/run) and the bundled agent under usr/lib/mpm-agent.
 */
export async function httpserverPackageDir(cacheDir: string): Promise<string> {
  const bundle = await bundleAgent();
  const hash = createHash("sha256").update(bundle).update(RUN_HOOK).digest("hex").slice(0, 16);
  const dir = join(cacheDir, "packages", `${HTTPSERVER_PACKAGE}-${hash}`);
  if (await exists(join(dir, "meta", "package.yaml"))) return dir;
  // Built beside the final place and renamed, so a concurrent compose never sees half a package.
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, "meta", "hooks"), { recursive: true });
  await mkdir(join(tmp, "usr", "lib", "mpm-agent"), { recursive: true });
  await writeFile(join(tmp, "meta", "package.yaml"), PACKAGE_YAML);
  await writeFile(join(tmp, "meta", "run.yaml"), RUN_YAML);
  await writeFile(join(tmp, "meta", "README.md"), README);
  await writeFile(join(tmp, "meta", "hooks", "run"), RUN_HOOK);
  await chmod(join(tmp, "meta", "hooks", "run"), 0o755);
  await writeFile(join(tmp, GUEST_AGENT_PATH), bundle);
  const license = await readFile(new URL("../listings/LICENSE-osv", import.meta.url));
  await writeFile(join(tmp, "usr", "lib", "mpm-agent", "LICENSE-osv"), license);
  await rename(tmp, dir).catch(async (error: unknown) => {
    await rm(tmp, { recursive: true, force: true });
    if (!(await exists(join(dir, "meta", "package.yaml")))) throw error;
  });
  return dir;
}

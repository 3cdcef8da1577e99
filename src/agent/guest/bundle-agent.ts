import { build } from "esbuild";

/**
 * Bundles the guest agent (agent-main.ts and everything it imports, the listings included) into one
 * minified ES module for Node 24, so a guest carries a single file instead of the source tree.
 */
export async function bundleAgent(): Promise<Buffer> {
  const result = await build({
    entryPoints: [new URL("./agent-main.ts", import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    minify: true,
    legalComments: "eof",
    write: false,
    logLevel: "silent",
    banner: { js: "// mpm agent: OSv's REST API for a guest. Listings (c) Cloudius Systems, BSD-3-Clause." },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output");
  return Buffer.from(file.contents);
}

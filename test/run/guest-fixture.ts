import { join } from "node:path";
import { runBaseFetch } from "../../src/base/commands/base-fetch.ts";
import { composeInitrd } from "../../src/compose/compose-initrd.ts";
import type { ComposedImage } from "../../src/image/composed-image.ts";
import type { FileTree } from "../../src/image/tree/file-tree.ts";

function script(lines: readonly string[]): FileTree {
  return new Map([
    ["/app/main.sh", { type: "file", mode: 0o755, data: Buffer.from(`#!/bin/sh\n${lines.join("\n")}\n`) }],
  ]);
}

/**
 * A small initrd guest made by compose from the cached kernel and busybox bases (fetched once): its app
 * prints its environment and exits with $CODE, or with `serve` runs busybox httpd on port 8000.
 */
export async function composeTestGuest(dir: string, name: string): Promise<ComposedImage> {
  await runBaseFetch({ only: ["kernel", "busybox"] });
  return composeInitrd({
    output: join(dir, `${name}.img`),
    package: { name, version: "1.0.0" },
    layers: [
      script([
        'if [ "$1" = serve ]; then',
        '  mkdir -p /www && echo "served by $(hostname)" > /www/index.html',
        "  exec httpd -f -p 8000 -h /www",
        "fi",
        'echo "who=$WHO host=$(hostname) opt=$MPM_OPT_level args=$*"',
        "exit $CODE",
      ]),
    ],
    config: { command: "/app/main.sh", env: { WHO: "image", CODE: "7" }, hostname: name, opts: {} },
    ports: [8000],
  });
}

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const PORT_VARIABLE = /MPM_GUEST_PORT_(\d{1,5})\b/g;

/**
 * The guest ports a package's test hook talks to: every `MPM_GUEST_PORT_<port>` named in meta/hooks/test
 * or in a helper under meta/hooks/support/. Packages declare no ports, so the hook's own text is the
 * declaration: `mpm test` forwards exactly these.
 */
export function hookPorts(packageDir: string): number[] {
  const hooks = join(packageDir, "meta", "hooks");
  const files = [join(hooks, "test"), ...listFiles(join(hooks, "support"))];
  const ports = new Set<number>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "latin1");
    } catch {
      continue;
    }
    for (const match of text.matchAll(PORT_VARIABLE)) {
      const port = Number(match[1]);
      if (port >= 1 && port <= 65535) ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

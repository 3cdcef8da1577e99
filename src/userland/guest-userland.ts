import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BusyboxBase } from "../base/busybox-base.ts";
import type { KernelBase } from "../base/kernel/kernel-base.ts";
import type { FileTree } from "../image/tree/file-tree.ts";

function asset(name: string): Buffer {
  return readFileSync(new URL(name, import.meta.url));
}

/** The shell scripts that make up the guest userland, kept as real files so they can be read and linted. */
export const USERLAND_FILES = {
  init: asset("init.sh"),
  configAwk: asset("config.awk"),
  udhcpcScript: asset("udhcpc.script"),
};

const text = (value: string) => Buffer.from(value, "utf8");

/**
 * The base layer every mpm guest starts from: busybox and its applets, our /init, the guest's kernel
 * modules with modules.dep, and the few /etc files libc-based applications expect.
 */
export async function baseUserland(busybox: BusyboxBase, kernel: KernelBase): Promise<FileTree> {
  const tree: FileTree = new Map();
  tree.set("/bin/busybox", { type: "file", mode: 0o755, data: await readFile(busybox.binary) });
  for (const applet of busybox.applets) {
    if (applet === "bin/busybox") continue;
    tree.set("/" + applet, { type: "symlink", target: "/bin/busybox" });
  }
  tree.set("/init", { type: "file", mode: 0o755, data: USERLAND_FILES.init });
  tree.set("/etc/mpm/config.awk", { type: "file", mode: 0o644, data: USERLAND_FILES.configAwk });
  tree.set("/etc/mpm/udhcpc.script", { type: "file", mode: 0o755, data: USERLAND_FILES.udhcpcScript });
  tree.set("/etc/mpm/modules.load", {
    type: "file",
    mode: 0o644,
    data: text(kernel.modules.join("\n") + "\n"),
  });
  tree.set("/etc/passwd", { type: "file", mode: 0o644, data: text("root:x:0:0:root:/root:/bin/sh\n") });
  tree.set("/etc/group", { type: "file", mode: 0o644, data: text("root:x:0:\n") });
  tree.set("/etc/nsswitch.conf", {
    type: "file",
    mode: 0o644,
    data: text("passwd: files\ngroup: files\nhosts: files dns\n"),
  });
  for (const dir of ["/proc", "/sys", "/dev", "/run", "/tmp", "/root", "/var/tmp"]) {
    tree.set(dir, { type: "dir", mode: dir.endsWith("tmp") ? 0o1777 : 0o755 });
  }
  const modules = join(kernel.dir, "lib", "modules", kernel.release);
  if (kernel.modules.length) {
    const dep = await readFile(join(modules, "modules.dep"), "utf8");
    tree.set(`/lib/modules/${kernel.release}/modules.dep`, { type: "file", mode: 0o644, data: text(dep) });
    for (const line of dep.split("\n")) {
      const path = line.split(":")[0];
      if (!path) continue;
      const data = await readFile(join(modules, path));
      tree.set(`/lib/modules/${kernel.release}/${path}`, { type: "file", mode: 0o644, data });
    }
  }
  return tree;
}

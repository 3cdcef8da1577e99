import assert from "node:assert/strict";
import { test } from "node:test";
import { isMpmError } from "../errors/mpm-error.ts";
import type { FileTree, TreeEntry } from "../image/tree/file-tree.ts";
import { mergeJavaOptions } from "./compose-hooks.ts";
import { mergeTrees } from "./merge-packages.ts";
import { parseSize } from "./size.ts";

const file = (text: string, mode = 0o644) => ({ type: "file" as const, mode, data: Buffer.from(text) });
const lib: FileTree = new Map<string, TreeEntry>([
  ["/lib", { type: "dir", mode: 0o755 }],
  ["/lib/a.so", file("A")],
  ["/etc/conf", file("lib")],
]);
const app: FileTree = new Map<string, TreeEntry>([
  ["/lib", { type: "dir", mode: 0o700 }],
  ["/lib/a.so", file("A")],
  ["/etc/conf", file("app")],
]);

test("a file two packages provide differently is a conflict naming both packages and the path", () => {
  assert.throws(
    () =>
      mergeTrees(
        [
          { name: "lib", tree: lib },
          { name: "app", tree: app },
        ],
        { allowOverwrite: false },
      ),
    (e) =>
      isMpmError(e) &&
      e.code === "MPM_E_COMPOSE_CONFLICT" &&
      e.message === "packages lib and app both provide /etc/conf with different content",
  );
});

test("with allowOverwrite the later package wins; directories and identical files never conflict", () => {
  const merged = mergeTrees(
    [
      { name: "lib", tree: lib },
      { name: "app", tree: app },
    ],
    { allowOverwrite: true },
  );
  assert.deepEqual(merged.get("/etc/conf"), file("app"));
  assert.deepEqual(merged.get("/lib"), { type: "dir", mode: 0o755 });
  const same = mergeTrees(
    [
      { name: "a", tree: new Map([["/x", file("1")]]) },
      { name: "b", tree: new Map([["/x", file("1")]]) },
    ],
    { allowOverwrite: false },
  );
  assert.equal(same.size, 1);
});

test("JVM options of all Java packages merge into one JVM", () => {
  const merged = mergeJavaOptions([
    {
      package: "lib",
      classpath: ["/lib.jar", "/common.jar"],
      jvmArgs: ["-Da=1"],
      xms: "64m",
      xmx: "1g",
      main: undefined,
      args: [],
    },
    {
      package: "app",
      classpath: ["/app.jar", "/common.jar"],
      jvmArgs: ["-Db=2"],
      xms: "128m",
      xmx: "512m",
      main: "com.example.Main",
      args: ["x", "y"],
    },
  ]);
  assert.equal(merged["MPM_JAVA_CLASSPATH"], "/lib.jar:/common.jar:/app.jar");
  assert.equal(merged["MPM_JAVA_JVM_ARGS"], "-Da=1 -Db=2");
  assert.equal(merged["MPM_JAVA_XMS"], "128m");
  assert.equal(merged["MPM_JAVA_XMX"], "1g");
  assert.equal(merged["MPM_JAVA_MAIN"], "com.example.Main");
  assert.equal(merged["MPM_JAVA_ARGS"], "x y");
});

test("sizes take binary units and refuse nonsense", () => {
  assert.equal(parseSize("64M"), 64 * 2 ** 20);
  assert.equal(parseSize("1G"), 2 ** 30);
  assert.equal(parseSize("10GB"), 10 * 2 ** 30);
  assert.equal(parseSize("512MiB"), 512 * 2 ** 20);
  assert.equal(parseSize("4096"), 4096);
  assert.throws(
    () => parseSize("ten"),
    (e) => isMpmError(e) && e.code === "MPM_E_COMPOSE_INPUT" && /--size 'ten'/.test(e.message),
  );
  assert.throws(
    () => parseSize("0"),
    (e) => isMpmError(e) && e.code === "MPM_E_COMPOSE_INPUT",
  );
});

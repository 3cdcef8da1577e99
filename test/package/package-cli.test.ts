import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, stat, truncate } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { makeElf } from "../helpers/make-elf.ts";
import { tempDir, writeTree } from "../helpers/package-fixture.ts";
import { runMpm } from "../helpers/run-mpm.ts";

async function workspace(t: { after: (fn: () => Promise<void>) => void }) {
  const { dir, cleanup } = await tempDir("mpm-pkg-cli-");
  t.after(cleanup);
  const root = path.join(dir, "root");
  return { dir, root, mpm: (...args: string[]) => runMpm(args, { cwd: dir, root }) };
}

test("a new user's round trip: init, validate, build, install, list, search, describe, remove", async (t) => {
  const { dir, mpm } = await workspace(t);
  for (const runtime of ["native", "node", "java", "python"]) {
    const init = await mpm("init", `pkg-${runtime}`, "--runtime", runtime, "--author", "Ann");
    assert.equal(init.code, 0, init.stderr);
    const valid = await mpm("validate", `pkg-${runtime}`);
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  }
  await writeTree(path.join(dir, "pkg-native"), {
    "usr/bin/app": { text: makeElf({ type: "shared", pie: true, needed: ["libc.so.6"] }), mode: 0o755 },
  });
  const build = await mpm("build", "pkg-native");
  assert.equal(build.code, 0, build.stderr);
  const mpmFile = path.join(dir, "pkg-native", "pkg-native-0.1.0.mpm");
  assert.ok((await stat(mpmFile)).size > 0);
  assert.equal((await mpm("install", mpmFile)).code, 0);
  assert.match((await mpm("list")).stdout, /^pkg-native\s+0\.1\.0\s+pkg-native$/m);
  assert.match((await mpm("search", "PKG", "native")).stdout, /pkg-native\s+0\.1\.0\s+local/);
  assert.equal((await mpm("search", "nothing-like-this")).stdout, "");
  const describe = await mpm("describe", "pkg-native");
  assert.equal(describe.code, 0, describe.stderr);
  assert.match(describe.stdout, /author: {3}Ann/);
  assert.match(describe.stdout, /default: \/usr\/bin\/app --port 8000/);
  assert.match(describe.stdout, /\/usr\/bin\/app/);
  assert.match(describe.stdout, /README:\n# pkg-native/);
  assert.equal((await mpm("remove", "pkg-native")).code, 0);
  const gone = await mpm("describe", "pkg-native");
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /MPM_E_REPO_NOT_INSTALLED/);
});

test("init never overwrites", async (t) => {
  const { dir, mpm } = await workspace(t);
  await writeTree(dir, { "p/meta/run.yaml": "keep me\n" });
  const result = await mpm("init", "p");
  assert.equal(result.code, 2);
  assert.match(result.stderr, /MPM_E_INIT_EXISTS/);
  assert.equal(await readFile(path.join(dir, "p/meta/run.yaml"), "utf8"), "keep me\n");
  await assert.rejects(stat(path.join(dir, "p/meta/package.yaml")));
});

test("validate reports every problem at once with file, line and field", async (t) => {
  const { dir, mpm } = await workspace(t);
  await writeTree(path.join(dir, "bad"), {
    "meta/package.yaml": "name: bad\ntitle: Bad\nversion: 1.0.0\n",
    "meta/run.yaml": "runtime: cobol\nconfig_set:\n  d: { bootcmd: /x }\n",
    "meta/opts": "- description: no name\n",
    "meta/hooks/build": { text: "#!/bin/sh\n", mode: 0o644 },
    "meta/hooks/helper.sh": { text: "#!/bin/sh\n", mode: 0o755 },
    "usr/bin/static": { text: makeElf({ type: "executable" }), mode: 0o755 },
    "usr/bin/arm": { text: makeElf({ type: "shared", machine: 0xb7, needed: [] }), mode: 0o755 },
    "usr/bin/needy": {
      text: makeElf({ type: "shared", pie: true, needed: ["libmissing.so.3", "libc.so.6"] }),
      mode: 0o755,
    },
    "usr/bin/notes.txt": { text: "not a program\n", mode: 0o755 },
  });
  const result = await mpm("validate", "bad");
  assert.equal(result.code, 2);
  const out = result.stdout;
  assert.match(out, /^meta\/package\.yaml:1: error: author: 'author' must be provided/m);
  assert.match(
    out,
    /^meta\/run\.yaml:1: error: runtime: unknown runtime 'cobol' \(hint: use one of native, node, java, python\)/m,
  );
  assert.match(out, /^meta\/opts:1: error: \[0\]: an option needs a long or a short name/m);
  assert.match(
    out,
    /^meta\/hooks\/build: error: the hook is not executable \(hint: chmod \+x meta\/hooks\/build\)/m,
  );
  assert.match(out, /^meta\/hooks\/helper\.sh: error: 'helper\.sh' is not a hook .*meta\/hooks\/support/m);
  assert.match(out, /^usr\/bin\/static: error: is a non-PIE executable .*-fpie -pie/m);
  assert.match(out, /^usr\/bin\/arm: error: is not an x86-64 binary/m);
  assert.match(out, /^usr\/bin\/needy: error: needs libmissing\.so\.3/m);
  assert.doesNotMatch(out, /needs libc\.so\.6/);
  assert.match(
    out,
    /^usr\/bin\/notes\.txt: warning: has the exec bit in a binary folder but is not an ELF file/m,
  );
  assert.match(out, /8 error\(s\), 1 warning\(s\), 3 ELF file\(s\) checked/);
  const json = JSON.parse((await mpm("validate", "bad", "--json")).stdout) as {
    ok: boolean;
    problems: unknown[];
  };
  assert.equal(json.ok, false);
  assert.equal(json.problems.length, 9);
  const linux = await mpm("validate", "bad", "--target", "linux");
  assert.match(linux.stdout, /^usr\/bin\/static: warning: is a non-PIE executable/m);
});

test("malformed YAML is reported with its line; a folder without package.yaml is not a package", async (t) => {
  const { dir, mpm } = await workspace(t);
  await writeTree(path.join(dir, "y"), {
    "meta/package.yaml": "name: y\ntitle: Y\nauthor: A\nrequire: [a, b\n",
  });
  const result = await mpm("validate", "y");
  assert.equal(result.code, 2);
  assert.match(result.stdout, /^meta\/package\.yaml:\d+: error: invalid YAML/m);
  const none = await mpm("validate", ".");
  assert.equal(none.code, 2);
  assert.match(none.stderr, /MPM_E_PACKAGE_NOT_FOUND.*meta\/package\.yaml is missing/);
});

test("libraries resolve against the package, RUNPATH and installed dependencies", async (t) => {
  const { dir, mpm } = await workspace(t);
  await writeTree(path.join(dir, "lib"), {
    "meta/package.yaml": "name: libfoo\ntitle: Foo\nauthor: A\nversion: 1.2.0\n",
    "usr/lib/libfoo.so.1": {
      text: makeElf({ type: "shared", needed: [], soname: "libfoo.so.1" }),
      mode: 0o644,
    },
  });
  await writeTree(path.join(dir, "app"), {
    "meta/package.yaml": "name: app\ntitle: App\nauthor: A\nversion: 1.0.0\nrequire:\n  - libfoo@^1\n",
    "opt/app/bin/app": {
      text: makeElf({
        type: "shared",
        pie: true,
        needed: ["libfoo.so.1", "libbar.so"],
        runpath: "$ORIGIN/../lib",
      }),
      mode: 0o755,
    },
    "opt/app/lib/libbar.so": { text: makeElf({ type: "shared", needed: [] }), mode: 0o644 },
  });
  const before = await mpm("validate", "app");
  assert.equal(before.code, 2);
  assert.match(before.stdout, /needs libfoo\.so\.1/);
  assert.match(before.stdout, /warning: require: dependencies are not all installed/);
  assert.equal((await mpm("build", "lib")).code, 0);
  assert.equal((await mpm("install", "lib/libfoo-1.2.0.mpm")).code, 0);
  const after = await mpm("validate", "app");
  assert.equal(after.code, 0, after.stdout);
});

test("build runs the build hook with MPM_* variables and writes identical bytes twice", async (t) => {
  const { dir, root, mpm } = await workspace(t);
  await writeTree(path.join(dir, "h"), {
    "meta/package.yaml": "name: hooked\ntitle: H\nauthor: A\nversion: 2.0\n",
    "meta/hooks/build": {
      text: '#!/bin/sh\nset -e\nmkdir -p "$MPM_PACKAGE_DIR/etc"\necho "$MPM_PACKAGE_NAME $MPM_PACKAGE_VERSION $MPM_TARGET $(basename "$MPM_OUTPUT") $MPM_ROOT" > etc/built\n',
      mode: 0o755,
    },
    "meta/hooks/support/notes": "helper\n",
  });
  const first = await mpm("build", "h", "-o", "one.mpm");
  assert.equal(first.code, 0, first.stderr);
  assert.equal(await readFile(path.join(dir, "h/etc/built"), "utf8"), `hooked 2.0.0 osv one.mpm ${root}\n`);
  await rename(path.join(dir, "one.mpm"), path.join(dir, "first.mpm"));
  assert.equal((await mpm("build", "h", "-o", "one.mpm")).code, 0);
  const [a, b] = [await readFile(path.join(dir, "first.mpm")), await readFile(path.join(dir, "one.mpm"))];
  assert.ok(a.equals(b), "two builds of the same tree differ");
  await writeTree(path.join(dir, "f"), {
    "meta/package.yaml": "name: f\ntitle: F\nauthor: A\n",
    "meta/hooks/build": { text: "#!/bin/sh\nexit 3\n", mode: 0o755 },
  });
  const failed = await mpm("build", "f", "-o", "f.mpm");
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /MPM_E_BUILD_HOOK.*exit status 3/);
  await assert.rejects(stat(path.join(dir, "f.mpm")));
});

test("install refuses a non-gzip, a hostile and a truncated archive, leaving the repository as it was", async (t) => {
  const { dir, root, mpm } = await workspace(t);
  await writeTree(dir, { "fake.mpm": "hello" });
  const fake = await mpm("install", "fake.mpm");
  assert.equal(fake.code, 2);
  assert.match(fake.stderr, /MPM_E_ARCHIVE_NOT_GZIP: .*fake\.mpm is not a \.mpm package/);
  const { craftArchive } = await import("../helpers/craft-archive.ts");
  await craftArchive(path.join(dir, "evil.mpm"), [
    { name: "meta/package.yaml", body: "name: e\ntitle: E\nauthor: A\n" },
    { name: "../../escape", body: "x" },
  ]);
  const evil = await mpm("install", "evil.mpm");
  assert.equal(evil.code, 2);
  assert.match(evil.stderr, /MPM_E_ARCHIVE_UNSAFE: .*'\.\.\/\.\.\/escape' contains '\.\.'/);
  await writeTree(path.join(dir, "t"), {
    "meta/package.yaml": "name: t\ntitle: T\nauthor: A\n",
    blob: { text: randomBytes(200_000), mode: 0o644 },
  });
  assert.equal((await mpm("build", "t", "-o", "t.mpm")).code, 0);
  await truncate(path.join(dir, "t.mpm"), 100_000);
  const cut = await mpm("install", "t.mpm");
  assert.equal(cut.code, 2);
  assert.match(cut.stderr, /MPM_E_ARCHIVE_CORRUPT: .*t\.mpm is truncated or damaged/);
  assert.equal((await mpm("list")).stdout, "");
  assert.deepEqual(await readdir(path.join(root, "store")), []);
});

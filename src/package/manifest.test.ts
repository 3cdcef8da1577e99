import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeVersion, parseManifest, parseRequirementText } from "./manifest.ts";
import { ProblemList } from "./problem.ts";

test("a Capstan package.yaml reads as Capstan reads it", () => {
  const problems = new ProblemList();
  const text =
    'name: osv.bootstrap\ntitle: OSv Bootstrap\nauthor: Anonymous\nversion: 0.54.0\ncreated: "2019-09-16T07:52:38-04:00"\nplatform: Ubuntu 19.04\nrequire:\n  - node-4.4.5\n';
  const m = parseManifest(text, problems);
  assert.deepEqual(problems.items, []);
  assert.equal(m?.name, "osv.bootstrap");
  assert.equal(m?.version, "0.54.0");
  assert.equal(m?.created, "2019-09-16T11:52:38.000Z");
  assert.equal(m?.platform, "Ubuntu 19.04");
  assert.deepEqual(m?.require, [{ name: "node-4.4.5", range: "*" }]);
});

test("scalars keep their source text, as Go decodes them into strings", () => {
  const problems = new ProblemList();
  const m = parseManifest(
    "name: app\ntitle: 2024\nauthor: yes\nversion: 1.0\ncreated: 2016-05-01 10:30\n",
    problems,
  );
  assert.equal(m?.title, "2024");
  assert.equal(m?.author, "yes");
  assert.equal(m?.versionText, "1.0");
  assert.equal(m?.version, "1.0.0");
  assert.equal(m?.created, "2016-05-01T10:30:00.000Z");
});

test("requirements accept ranges as name@range and {name, version}", () => {
  const problems = new ProblemList();
  const m = parseManifest(
    "name: a\ntitle: A\nauthor: me\nversion: 1.0.0\nrequire:\n  - b@^1.2\n  - { name: c, version: '>=2 <3' }\n",
    problems,
  );
  assert.deepEqual(problems.items, []);
  assert.deepEqual(m?.require, [
    { name: "b", range: "^1.2" },
    { name: "c", range: ">=2 <3" },
  ]);
  assert.deepEqual(parseRequirementText("node-4.4.5"), { name: "node-4.4.5", range: "*" });
});

test("every missing field and bad value is reported with its line and field", () => {
  const problems = new ProblemList();
  const m = parseManifest(
    "title: T\nversion: one\nrequire:\n  - ok\n  - bad@not-a-range\n  - ok\nfoo: 1\n",
    problems,
  );
  assert.equal(m, undefined);
  const byField = Object.fromEntries(problems.items.map((p) => [p.field, p]));
  assert.equal(byField["name"]?.severity, "error");
  assert.equal(byField["author"]?.severity, "error");
  assert.equal(byField["version"]?.line, 2);
  assert.equal(byField["require[1]"]?.line, 5);
  assert.match(byField["require[2]"]?.message ?? "", /required twice/);
  assert.equal(byField["foo"]?.severity, "warning");
  assert.equal(byField["foo"]?.line, 7);
});

test("malformed YAML is an error with its line", () => {
  const problems = new ProblemList();
  assert.equal(parseManifest("name: a\ntitle: [unclosed\nauthor: b\n", problems), undefined);
  assert.equal(problems.items[0]?.severity, "error");
  assert.match(problems.items[0]?.message ?? "", /invalid YAML/);
  assert.ok((problems.items[0]?.line ?? 0) >= 2);
});

test("versions normalise to semver", () => {
  assert.equal(normalizeVersion("4"), "4.0.0");
  assert.equal(normalizeVersion("1.2"), "1.2.0");
  assert.equal(normalizeVersion("1.2.3-rc.1"), "1.2.3-rc.1");
  assert.equal(normalizeVersion("v1"), undefined);
});

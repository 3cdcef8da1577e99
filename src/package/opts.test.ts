import assert from "node:assert/strict";
import { test } from "node:test";
import { applyOpts, parseOptAssignment, parseOpts } from "./opts.ts";
import { ProblemList } from "./problem.ts";

test("opts are read with their env names and defaults", () => {
  const problems = new ProblemList();
  const opts = parseOpts(
    "- long: nfs-mount\n  short: n\n  description: NFS URI\n- short: v\n  default: 1\n",
    problems,
  );
  assert.deepEqual(problems.items, []);
  assert.deepEqual(opts, [
    { long: "nfs-mount", short: "n", description: "NFS URI", default: undefined, env: "NFS_MOUNT" },
    { long: undefined, short: "v", description: undefined, default: "1", env: "V" },
  ]);
});

test("bad opts are all reported with lines", () => {
  const problems = new ProblemList();
  parseOpts(
    "- long: Port!\n- short: xy\n- long: a\n- long: a\n- just text\n- long: ok\n  color: red\n",
    problems,
  );
  const where = problems.items.map((p) => `${p.severity}:${p.field}@${p.line}`);
  assert.deepEqual(where, [
    "error:[0].long@1",
    "error:[0].env@1",
    "error:[1].short@2",
    "error:[3]@4",
    "error:[4]@5",
    "warning:[5].color@7",
  ]);
});

test("--opt values parse as name=value and unknown names are refused", () => {
  assert.deepEqual(parseOptAssignment("--port=80"), { name: "port", value: "80" });
  assert.deepEqual(parseOptAssignment("uri=nfs://h/x=y"), { name: "uri", value: "nfs://h/x=y" });
  assert.throws(() => parseOptAssignment("port"), /not name=value/);
  const specs = parseOpts("- long: port\n  default: '1'\n", new ProblemList());
  assert.deepEqual(applyOpts(specs, { port: "2" }), { defaults: { PORT: "1" }, values: { PORT: "2" } });
  assert.throws(() => applyOpts(specs, { x: "1" }), /has no option 'x'/);
});

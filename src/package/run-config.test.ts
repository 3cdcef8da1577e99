import assert from "node:assert/strict";
import { test } from "node:test";
import { ProblemList } from "./problem.ts";
import { parseRunConfig } from "./run-config.ts";

test("unknown runtime is an error naming the runtimes", () => {
  const problems = new ProblemList();
  assert.equal(parseRunConfig("runtime: ruby\nconfig_set:\n  d: { bootcmd: x }\n", problems), undefined);
  assert.equal(problems.items[0]?.field, "runtime");
  assert.equal(problems.items[0]?.line, 1);
  assert.match(problems.items[0]?.hint ?? "", /native, node, java, python/);
});

test("every problem of a run.yaml is reported at once with lines", () => {
  const problems = new ProblemList();
  parseRunConfig(
    "runtime: native\nconfig_set:\n  a:\n    env:\n      'BAD KEY': x\n  b:\n    bootcmd: /b\n    base: nocolon\nconfig_set_default: c\n",
    problems,
  );
  const fields = problems.items.map((p) => `${p.field}@${p.line}`);
  assert.ok(fields.includes("config_set.a.bootcmd@3"), fields.join(" "));
  assert.ok(
    fields.some((f) => f.startsWith("config_set.a.env.BAD KEY@5")),
    fields.join(" "),
  );
  assert.ok(fields.includes("config_set.b.base@8"), fields.join(" "));
  assert.ok(fields.includes("config_set_default@9"), fields.join(" "));
});

test("at least one config set is required", () => {
  const problems = new ProblemList();
  parseRunConfig("runtime: node\n", problems);
  assert.match(problems.items[0]?.message ?? "", /at least one config_set/);
});

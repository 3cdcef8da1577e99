import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequirementText } from "../package/manifest.ts";
import { type Candidate, resolveDependencies } from "./resolve-dependencies.ts";

function source(specs: Record<string, string[]>) {
  const all: Candidate[] = Object.entries(specs).map(([id, deps]) => {
    const [name = "", version = ""] = id.split("@");
    return { name, version, require: deps.map(parseRequirementText) };
  });
  return { versions: async (name: string) => all.filter((c) => c.name === name) };
}

const ids = (list: Candidate[]) => list.map((c) => `${c.name}@${c.version}`);
const req = (text: string) => parseRequirementText(text);

test("dependencies come before dependents, once each, in a deterministic order", async () => {
  const src = source({
    "app@1.0.0": ["web@^2", "log"],
    "web@2.1.0": ["log@>=1", "tls"],
    "web@2.0.0": [],
    "web@3.0.0": [],
    "log@1.2.0": [],
    "tls@1.0.0": [],
  });
  const order = await resolveDependencies([req("app")], src);
  assert.deepEqual(ids(order), ["log@1.2.0", "tls@1.0.0", "web@2.1.0", "app@1.0.0"]);
  assert.deepEqual(ids(await resolveDependencies([req("app")], src)), ids(order));
});

test("the highest version within the range is chosen", async () => {
  const src = source({ "a@1.0.0": [], "a@1.5.0": [], "a@2.0.0": [] });
  assert.deepEqual(ids(await resolveDependencies([req("a@~1.0")], src)), ["a@1.0.0"]);
  assert.deepEqual(ids(await resolveDependencies([req("a@^1")], src)), ["a@1.5.0"]);
  assert.deepEqual(ids(await resolveDependencies([req("a")], src)), ["a@2.0.0"]);
});

test("a cycle is an error naming it", async () => {
  const src = source({ "a@1.0.0": ["b"], "b@1.0.0": ["c"], "c@1.0.0": ["a"] });
  await assert.rejects(
    resolveDependencies([req("a")], src),
    (err: Error & { code?: string }) =>
      err.code === "MPM_E_DEP_CYCLE" && err.message.includes("a -> b -> c -> a"),
  );
});

test("an unsatisfiable range names the chain and the versions available", async () => {
  const src = source({ "app@1.0.0": ["lib@^3"], "lib@1.0.0": [], "lib@2.0.0": [] });
  await assert.rejects(
    resolveDependencies([req("app")], src),
    (err: Error & { code?: string }) =>
      err.code === "MPM_E_DEP_UNSATISFIABLE" &&
      /app@1\.0\.0/.test(err.message) &&
      /2\.0\.0, 1\.0\.0/.test(err.message),
  );
});

test("two versions of one name requested is a conflict naming both chains", async () => {
  const src = source({ "a@1.0.0": ["z@^1"], "b@1.0.0": ["z@^2"], "z@1.0.0": [], "z@2.0.0": [] });
  await assert.rejects(
    resolveDependencies([req("a"), req("b")], src),
    (err: Error & { code?: string }) =>
      err.code === "MPM_E_DEP_CONFLICT" && /b@1\.0\.0/.test(err.message) && /a@1\.0\.0/.test(err.message),
  );
  await assert.rejects(
    resolveDependencies([req("z@1"), req("z@2")], src),
    (err: Error & { code?: string }) => err.code === "MPM_E_DEP_CONFLICT",
  );
});

test("a missing package names who requires it", async () => {
  const src = source({ "app@1.0.0": ["ghost"] });
  await assert.rejects(
    resolveDependencies([req("app")], src),
    (err: Error & { code?: string }) =>
      err.code === "MPM_E_DEP_NOT_FOUND" && /ghost.*app@1\.0\.0/.test(err.message),
  );
});

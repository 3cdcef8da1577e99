import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CATALOG, CATALOG_AREAS } from "./catalog.ts";
import { renderErrorsDoc } from "./errors-doc.ts";
import { MpmError } from "./mpm-error.ts";

test("docs/errors.md matches the catalogue (run `npm run docs:errors`)", () => {
  const committed = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
  assert.equal(committed, renderErrorsDoc());
});

test("codes are unique across areas and follow the MPM_E_ pattern", () => {
  const seen = new Set<string>();
  for (const codes of Object.values(CATALOG_AREAS)) {
    for (const code of Object.keys(codes)) {
      assert.match(code, /^MPM_E_[A-Z0-9_]+$/);
      assert.ok(!seen.has(code), `duplicate code ${code}`);
      seen.add(code);
    }
  }
  assert.equal(seen.size, Object.keys(CATALOG).length);
});

test("an error maps its kind to exit status and HTTP status", () => {
  const usage = new MpmError("MPM_E_USAGE", "bad flag", { hint: "see --help" });
  assert.equal(usage.exitCode, 2);
  assert.equal(usage.httpStatus, 400);
  assert.equal(new MpmError("MPM_E_INTERNAL", "bug").exitCode, 70);
  assert.equal(new MpmError("MPM_E_IO", "disk").httpStatus, 503);
});

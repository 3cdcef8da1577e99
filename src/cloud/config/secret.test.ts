import assert from "node:assert/strict";
import { test } from "node:test";
import { format, inspect } from "node:util";
import { Secret } from "./secret.ts";

test("a secret never shows in strings, JSON, inspect or format; reveal() gives it", () => {
  const holder = { auth: { password: new Secret("hunter2-xyz") } };
  for (const shown of [
    String(holder.auth.password),
    JSON.stringify(holder),
    inspect(holder, { depth: 5 }),
    format("%o", holder),
    `${holder.auth.password}`,
  ]) {
    assert.ok(!shown.includes("hunter2-xyz"), shown);
    assert.match(shown, /\*\*\*/);
  }
  assert.equal(holder.auth.password.reveal(), "hunter2-xyz");
});

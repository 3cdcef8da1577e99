import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("config.awk", import.meta.url));

/** Runs the guest's JSON reader with busybox awk, as /init does. */
function parse(json: string): { lines: string[]; status: number | null; stderr: string } {
  const r = spawnSync("busybox", ["awk", "-f", script], { input: json, encoding: "utf8", timeout: 10_000 });
  return { lines: r.stdout.split("\n").filter(Boolean), status: r.status, stderr: r.stderr };
}

test("command, hostname, env and opts become tab-separated lines", () => {
  const { lines, status } = parse(
    JSON.stringify({
      command: '/bin/echo "a b" $X',
      hostname: "h",
      env: { A: "1", B: "two words" },
      opts: { port: "80" },
    }),
  );
  assert.equal(status, 0);
  assert.deepEqual(lines, [
    'command\t/bin/echo "a b" $X',
    "hostname\th",
    "env\tA\t1",
    "env\tB\ttwo words",
    "opt\tport\t80",
  ]);
});

test("escapes decode; tabs and newlines inside values become spaces", () => {
  const { lines } = parse(JSON.stringify({ env: { Q: 'say "hi"\\now', T: "a\tb\nc", U: "\u0041/" } }));
  assert.deepEqual(lines, ['env\tQ\tsay "hi"\\now', "env\tT\ta b c", "env\tU\tA/"]);
});

test("numbers, booleans and null are taken as text; unknown keys and nested values are skipped", () => {
  const { lines } = parse('{"x": [1, {"a": "}"}], "env": {"N": 5, "B": true, "Z": null}, "y": {"k": "v"}}');
  assert.deepEqual(lines, ["env\tN\t5", "env\tB\ttrue", "env\tZ\t"]);
});

test("malformed JSON fails with the offset so /init can ignore it", () => {
  const { status, stderr } = parse('{"command": "x" "y"}');
  assert.equal(status, 1);
  assert.match(stderr, /expected ',' or '}' at offset 16/);
});

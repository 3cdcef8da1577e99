import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLdd } from "./node-base.ts";

test("ldd output yields resolved library paths and the loader, without the vdso", () => {
  const out = `	linux-vdso.so.1 (0x00007ffd)
	libdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f65)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f60)
	/lib64/ld-linux-x86-64.so.2 (0x00007f65)
`;
  assert.deepEqual(parseLdd(out), [
    "/lib/x86_64-linux-gnu/libdl.so.2",
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/lib64/ld-linux-x86-64.so.2",
  ]);
});

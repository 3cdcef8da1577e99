import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  findGuest,
  freeGuestName,
  type GuestState,
  guestFiles,
  listGuests,
  reserveGuest,
  writeGuestState,
} from "./guest-store.ts";

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), "mpm-store-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function state(name: string, pid: number): GuestState {
  return { schema: 1, name, pid, image: "/i", package: "p", ports: [], startedAt: new Date().toISOString() };
}

test("guests whose process has gone are cleaned from ps and cannot be found", (t) => {
  const root = tempRoot(t);
  reserveGuest(root, "gone");
  writeGuestState(root, state("gone", 2 ** 22 + 12345));
  assert.deepEqual(listGuests(root), []);
  assert.throws(() => findGuest(root, "gone"), { code: "MPM_E_GUEST_NOT_FOUND" });
  // The name is free again.
  assert.equal(reserveGuest(root, "gone").dir, guestFiles(root, "gone").dir);
});

test("a live guest keeps its name; a recycled pid of another program does not count", async (t) => {
  const root = tempRoot(t);
  const files = reserveGuest(root, "live");
  // A stand-in whose command line names the guest's console file, as QEMU's does.
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)", files.console], {
    stdio: "ignore",
  });
  t.after(() => child.kill("SIGKILL"));
  await new Promise((resolve) => child.once("spawn", resolve));
  // "spawn" fires between fork and exec; wait until the process shows its own command line.
  const deadline = Date.now() + 5000;
  while (
    !readFileSync(`/proc/${child.pid}/cmdline`, "utf8").includes(files.console) &&
    Date.now() < deadline
  ) {
    await sleep(10);
  }
  writeGuestState(root, state("live", child.pid!));
  assert.deepEqual(
    listGuests(root).map((g) => g.name),
    ["live"],
  );
  assert.throws(() => reserveGuest(root, "live"), { code: "MPM_E_GUEST_NAME_TAKEN" });
  assert.equal(freeGuestName(root, "live"), "live-2");
  reserveGuest(root, "other");
  writeGuestState(root, state("other", process.pid));
  assert.throws(() => findGuest(root, "other"), { code: "MPM_E_GUEST_NOT_FOUND" });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkGuestName,
  parseAssignments,
  parseCpus,
  parseMachine,
  parseMemoryMiB,
  parsePort,
  parseSharedMemory,
  parseTimeoutSeconds,
} from "./run-options.ts";

const BAD = { code: "MPM_E_BAD_RUN_OPTION" };

test("--port host:guest, host 0 meaning any free port", () => {
  assert.deepEqual(parsePort("8080:80"), { host: 8080, guest: 80 });
  assert.deepEqual(parsePort("0:11211"), { host: 0, guest: 11211 });
  for (const bad of ["80", "a:b", "70000:80", "80:0", "1:2:3", ":80", "-1:80"]) {
    assert.throws(() => parsePort(bad), { ...BAD, message: new RegExp(`--port ${bad}`) }, bad);
  }
});

test("-m takes MiB or a suffixed size", () => {
  assert.equal(parseMemoryMiB("512"), 512);
  assert.equal(parseMemoryMiB("512M"), 512);
  assert.equal(parseMemoryMiB("2G"), 2048);
  assert.equal(parseMemoryMiB("1GiB"), 1024);
  for (const bad of ["", "8", "lots", "1.5G", "512K"]) assert.throws(() => parseMemoryMiB(bad), BAD, bad);
});

test("-c takes 1 to 255 CPUs", () => {
  assert.equal(parseCpus("4"), 4);
  for (const bad of ["0", "x", "256", "-1"]) assert.throws(() => parseCpus(bad), BAD, bad);
});

test("--env / --opt take NAME=value, later ones winning, values may hold '='", () => {
  assert.deepEqual(parseAssignments(["A=1", "B=x=y", "A=2", "EMPTY="], "--env"), {
    A: "2",
    B: "x=y",
    EMPTY: "",
  });
  for (const bad of ["A", "=1", "1A=2", "A B=1"]) {
    assert.throws(() => parseAssignments([bad], "--env"), { ...BAD, message: /--env/ }, bad);
  }
});

test("guest names are short, lower-case and path-safe", () => {
  assert.equal(checkGuestName("cache-1"), "cache-1");
  for (const bad of ["", "../x", "A", "-x", "a/b", "x".repeat(64)])
    assert.throws(() => checkGuestName(bad), BAD, bad);
});

test("--shm name[:size] with a power-of-two size, 4 MiB by default", () => {
  assert.deepEqual(parseSharedMemory("ring0"), { name: "ring0", sizeBytes: 4 * 2 ** 20 });
  assert.deepEqual(parseSharedMemory("ring0:16M"), { name: "ring0", sizeBytes: 16 * 2 ** 20 });
  assert.deepEqual(parseSharedMemory("r:64K"), { name: "r", sizeBytes: 65536 });
  for (const bad of ["../etc", "a/b", "r:3M", "r:1K", ""])
    assert.throws(() => parseSharedMemory(bad), BAD, bad);
});

test("--machine and timeouts", () => {
  assert.equal(parseMachine("pc"), "pc");
  assert.throws(() => parseMachine("q35"), BAD);
  assert.equal(parseTimeoutSeconds("2.5", "--timeout"), 2.5);
  assert.throws(() => parseTimeoutSeconds("0", "--timeout"), BAD);
});

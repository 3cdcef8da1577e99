import assert from "node:assert/strict";
import { test } from "node:test";
import { ConsoleScanner } from "./console-scanner.ts";
import { guestDiedError, qemuFailedError } from "./guest-errors.ts";

test("app-start and app-exit are found even when split across chunks and with CRLF", () => {
  const scanner = new ConsoleScanner();
  for (const chunk of [
    "[ 0.1] boot\r\nmpm-gu",
    "est: app-start\r\nhello\r\nmpm-guest: app-ex",
    "it 42\r\n",
  ]) {
    scanner.feed(chunk);
  }
  assert.equal(scanner.appStarted, true);
  assert.equal(scanner.exitStatus, 42);
});

test("an unterminated last line counts once the console ends", () => {
  const scanner = new ConsoleScanner();
  scanner.feed("mpm-guest: app-exit 0");
  assert.equal(scanner.exitStatus, undefined);
  scanner.end();
  assert.equal(scanner.exitStatus, 0);
});

test("a panic is reported with the kernel's words", () => {
  const scanner = new ConsoleScanner();
  scanner.feed(
    "mpm-guest: app-start\n[    1.79] Kernel panic - not syncing: Attempted to kill init!\n[ 1.8] ---[ end ]---\n",
  );
  scanner.end();
  const error = guestDiedError("web", scanner);
  assert.equal(error.code, "MPM_E_GUEST_DIED");
  assert.match(error.message, /guest web .*Kernel panic - not syncing: Attempted to kill init!/);
});

test("an initramfs that did not fit asks for more memory", () => {
  const scanner = new ConsoleScanner();
  scanner.feed("[ 0.5] Initramfs unpacking failed: write error\n");
  assert.match(guestDiedError("n", scanner).hint!, /-m/);
});

test("QEMU's hostfwd refusal becomes the port-in-use error", () => {
  const stderr =
    "qemu-system-x86_64: -netdev user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80: Could not set up host forwarding rule 'tcp:127.0.0.1:8080-:80'\n";
  const error = qemuFailedError("web", 1, stderr);
  assert.equal(error.code, "MPM_E_PORT_IN_USE");
  assert.match(error.message, /8080/);
  assert.equal(qemuFailedError("web", 1, "qemu: -m 1T: out of memory\n").code, "MPM_E_QEMU_FAILED");
});

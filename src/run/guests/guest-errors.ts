import { MpmError } from "../../errors/mpm-error.ts";
import { portInUse } from "../host-ports.ts";
import type { ConsoleScanner } from "./console-scanner.ts";

/** The guest's console ended without `mpm-guest: app-exit`: say why as precisely as the console allows. */
export function guestDiedError(name: string, scanner: ConsoleScanner): MpmError {
  const tail = scanner.tail().filter((line) => line.trim() !== "");
  const last = tail.at(-1)?.trim() ?? "(no console output)";
  if (scanner.initramfsTooLarge) {
    return new MpmError("MPM_E_GUEST_DIED", `guest ${name}: the initramfs did not fit in guest memory`, {
      hint: "give the guest more memory with -m (for example -m 1024)",
      details: { console: tail },
    });
  }
  const why =
    scanner.panic !== undefined ? `the kernel panicked: ${scanner.panic}` : `last console line: ${last}`;
  return new MpmError("MPM_E_GUEST_DIED", `guest ${name} stopped without reporting an exit status (${why})`, {
    hint: scanner.appStarted
      ? "the application was started; read the whole console (mpm logs, or the output above)"
      : "the guest never started its application; read the console for the kernel's or /init's last words",
    details: { console: tail },
  });
}

/** QEMU exited with an error before or while booting; QEMU's own message says what it refused. */
export function qemuFailedError(name: string, status: number | null, stderr: string): MpmError {
  const message = stderr.trim().split("\n").at(-1) ?? "";
  const port = /hostfwd.*127\.0\.0\.1:(\d+)|host forwarding rule.*127\.0\.0\.1:(\d+)/.exec(stderr);
  if (port) return portInUse(Number(port[1] ?? port[2]), undefined);
  return new MpmError("MPM_E_QEMU_FAILED", `QEMU stopped guest ${name} (status ${status}): ${message}`, {
    hint: "QEMU's message above names the refused option; check the image and the run options",
    details: { stderr: stderr.trim() },
  });
}

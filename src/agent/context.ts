import type { AppRunner } from "./system/app-runner.ts";
import type { Tracer } from "./system/tracer.ts";

/** What the guest is asked to do by POST /os/poweroff, /os/shutdown, /os/reboot and /api/stop. */
export type PowerAction = "poweroff" | "shutdown" | "reboot" | "stop-api";

/** Everything a handler needs to know about where the agent runs. */
export interface AgentContext {
  /** "guest": the agent is the guest's API (whole system); "host": it watches one process tree. */
  readonly mode: "guest" | "host";
  /** Root of the /file API; no operation reaches outside it. */
  readonly fileRoot: string;
  /** File holding the command line for the next boot (the image's stored one in a guest). */
  readonly cmdlineFile: string | undefined;
  /** In host mode, the process whose tree /os/threads lists. */
  readonly rootPid: number;
  /** Wall-clock ms at which the system booted, for the "ms since boot" time bases. */
  readonly bootTimeMs: number;
  readonly tracer: Tracer;
  readonly apps: AppRunner;
  /** Called after the reply to a power operation has been sent. */
  readonly onPower: (action: PowerAction) => void;
  /** Base of /proc and /sys, so tests can point the readers at fixtures. */
  readonly procRoot: string;
  readonly sysRoot: string;
}

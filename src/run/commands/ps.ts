import { type GuestState, listGuests } from "../guests/guest-store.ts";
import { mpmRoot } from "../mpm-root.ts";

export interface PsOptions {
  readonly root?: string;
}

/** `mpm ps`: the running detached guests; entries of guests that have gone are removed. */
export function ps(options: PsOptions = {}): GuestState[] {
  return listGuests(options.root ?? mpmRoot());
}

/** A fixed-width table for the terminal. */
export function formatGuestTable(guests: readonly GuestState[], now: Date): string {
  const rows = [
    ["NAME", "PID", "PACKAGE", "PORTS", "UP"],
    ...guests.map((g) => [
      g.name,
      String(g.pid),
      g.package,
      g.ports.map((p) => `127.0.0.1:${p.host}->${p.guest}`).join(",") || "-",
      formatDuration(now.getTime() - Date.parse(g.startedAt)),
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, col) => cell.padEnd(widths[col]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}

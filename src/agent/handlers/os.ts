import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import pkg from "../../../package.json" with { type: "json" };
import { ApiError, badRequest } from "../http/api-error.ts";
import type { Handler } from "../http/handler.ts";
import { json, voidReply } from "../http/reply.ts";
import * as sys from "../system/system-info.ts";
import { allPids, idleThreads, processTree, readThreads } from "../system/threads.ts";

/** OSv caps the stored command line at its boot sector area; 1024 keeps images' stored lines safe too. */
const MAX_CMDLINE = 1024;

export const OS_NAME = "OSv";

let hostnameOverride: string | undefined;

export const osHandlers: Readonly<Record<string, Handler>> = {
  os_name: () => json(OS_NAME),
  // OSv's tests expect vX.Y[-...]; our agent reports its own version in that shape.
  os_version: () => json(`v${pkg.version}`),
  os_vendor: () => json("MIKELANGELO mpm"),
  os_uptime: ({ ctx }) => json(sys.uptimeSeconds(ctx.procRoot)),
  os_date: () => json(sys.osvDate(new Date())),
  os_memory_total: ({ ctx }) => json(sys.meminfo(ctx.procRoot, "MemTotal")),
  os_memory_free: ({ ctx }) => json(sys.meminfo(ctx.procRoot, "MemFree")),
  os_memory_balloon: () => json(0),
  os_poweroff: ({ ctx }) => {
    ctx.onPower("poweroff");
    return voidReply;
  },
  os_shutdown: ({ ctx }) => {
    ctx.onPower("shutdown");
    return voidReply;
  },
  os_reboot: ({ ctx }) => {
    ctx.onPower("reboot");
    return voidReply;
  },
  os_dmesg: async () => json(await sys.dmesg()),
  os_get_hostname: () => json(hostnameOverride ?? sys.hostname()),
  os_set_hostname: async ({ ctx, query }) => {
    const name = query.get("name") ?? "";
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/.test(name)) throw badRequest(`Bad host name ${name}`);
    // A guest's hostname is the kernel's; on a host the agent only watches a process tree and must not
    // rename the machine, so the name is kept by the agent.
    if (ctx.mode === "guest") await sys.setHostname(ctx.procRoot, name);
    else hostnameOverride = name;
    return voidReply;
  },
  os_threads: ({ ctx }) => {
    const pids = ctx.mode === "guest" ? allPids(ctx.procRoot) : processTree(ctx.procRoot, ctx.rootPid);
    return json({
      list: [...idleThreads(ctx.procRoot), ...readThreads(ctx.procRoot, pids)],
      time_ms: Date.now(),
    });
  },
  os_get_cmdline: async ({ ctx }) => {
    if (!ctx.cmdlineFile) return json(await readFile(join(ctx.procRoot, "cmdline"), "utf8").catch(() => ""));
    return json((await readFile(ctx.cmdlineFile, "utf8").catch(() => "")).replace(/\0.*$/s, ""));
  },
  os_set_cmdline: async ({ ctx, query }) => {
    const cmdline = query.get("cmdline") ?? "";
    if (Buffer.byteLength(cmdline) >= MAX_CMDLINE) throw badRequest("command line too long");
    if (!ctx.cmdlineFile)
      throw new ApiError(500, "No command line file: start the agent with --cmdline-file");
    // Replace atomically so a reader (or a reboot) never sees half a command line.
    const tmp = join(dirname(ctx.cmdlineFile), `.cmdline.${process.pid}.tmp`);
    await writeFile(tmp, cmdline);
    await rename(tmp, ctx.cmdlineFile);
    return json(cmdline);
  },
};

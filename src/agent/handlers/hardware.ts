import { availableParallelism } from "node:os";
import type { Handler } from "../http/handler.ts";
import { json } from "../http/reply.ts";
import { firmwareVendor, hypervisorName, processorFlags } from "../system/system-info.ts";

export const hardwareHandlers: Readonly<Record<string, Handler>> = {
  processorFeatures: ({ ctx }) => json(processorFlags(ctx.procRoot)),
  processorCount: () => json(availableParallelism()),
  firmware_vendor: ({ ctx }) => json(firmwareVendor(ctx.sysRoot)),
  hypervisor_name: ({ ctx }) => json(hypervisorName(ctx.procRoot, ctx.sysRoot)),
};

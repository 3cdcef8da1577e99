import assert from "node:assert/strict";
import { test } from "node:test";
import { isMpmError } from "../../errors/mpm-error.ts";
import { type KernelModule, moduleClosure, modulesDep } from "./module-closure.ts";

const mod = (name: string, path: string, depends: string[] = []): [string, KernelModule] => [
  name,
  { name, path, depends },
];
const modules = new Map([
  mod("virtio", "kernel/drivers/virtio/virtio.ko"),
  mod("virtio_ring", "kernel/drivers/virtio/virtio_ring.ko"),
  mod("failover", "kernel/net/core/failover.ko"),
  mod("net_failover", "kernel/drivers/net/net_failover.ko", ["failover"]),
  mod("virtio_net", "kernel/drivers/net/virtio_net.ko", ["virtio_ring", "virtio", "net_failover"]),
  mod("virtio_blk", "kernel/drivers/block/virtio_blk.ko", ["virtio", "virtio_ring"]),
  mod("virtio_rng", "kernel/drivers/char/hw_random/virtio-rng.ko", ["virtio"]),
]);

test("closure lists every dependency once, before its dependents", () => {
  const order = moduleClosure(["virtio_net", "virtio_blk"], modules, "6.1").map((m) => m.name);
  assert.deepEqual(order, ["virtio_ring", "virtio", "failover", "net_failover", "virtio_net", "virtio_blk"]);
});

test("names with '-' match modules registered with '_'", () => {
  assert.deepEqual(
    moduleClosure(["virtio-rng"], modules, "6.1").map((m) => m.name),
    ["virtio", "virtio_rng"],
  );
});

test("modules.dep lists the transitive dependencies of each module in depmod's format", () => {
  const dep = modulesDep(moduleClosure(["virtio_net"], modules, "6.1"));
  assert.match(dep, /^kernel\/net\/core\/failover\.ko:$/m);
  assert.match(dep, /^kernel\/drivers\/net\/net_failover\.ko: kernel\/net\/core\/failover\.ko$/m);
  assert.match(
    dep,
    /^kernel\/drivers\/net\/virtio_net\.ko: kernel\/drivers\/virtio\/virtio_ring\.ko kernel\/drivers\/virtio\/virtio\.ko kernel\/drivers\/net\/net_failover\.ko kernel\/net\/core\/failover\.ko$/m,
  );
});

test("an unknown module is an error naming it and the chain that needs it", () => {
  const broken = new Map([...modules, mod("virtio_console", "c.ko", ["virtio", "missing_dep"])]);
  assert.throws(
    () => moduleClosure(["virtio_console"], broken, "6.1"),
    (e) =>
      isMpmError(e) &&
      e.code === "MPM_E_KERNEL_INVALID" &&
      /missing_dep.*virtio_console -> missing_dep/.test(e.message),
  );
});

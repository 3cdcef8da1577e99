import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { RouteTable, resolveRegionPath } from "./route-table.ts";

describe("RouteTable", () => {
  const dir = mkdtempSync(join(tmpdir(), "vrdma-routes-"));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("routes listed addresses to their region and leaves the rest to TCP", () => {
    const t = RouteTable.fromFile(
      write("ok.json", '{"routes":[{"address":"10.0.0.2:7000","shm":"/dev/shm/a"}]}'),
    );
    assert.equal(t.forConnect("10.0.0.2", 7000), "/dev/shm/a");
    assert.equal(t.forConnect("10.0.0.2", 7001), undefined);
    assert.equal(t.forListen("10.0.0.2", 7000), "/dev/shm/a");
  });

  it("names the file and the field of a bad entry", () => {
    const file = write(
      "bad.json",
      '{"routes":[{"address":"10.0.0.2:7000","shm":"/x"},{"address":"nope","shm":"/y"}]}',
    );
    assert.throws(
      () => RouteTable.fromFile(file),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "MPM_E_VRDMA_ROUTES");
        assert.match(e.message, /bad\.json: routes\[1\]\.address/);
        return true;
      },
    );
    assert.throws(() => RouteTable.fromFile(write("junk.json", "{")), { code: "MPM_E_VRDMA_ROUTES" });
    assert.throws(() => RouteTable.fromFile(join(dir, "missing.json")), { code: "MPM_E_VRDMA_ROUTES" });
  });

  it("no MPM_VRDMA_ROUTES means every address goes over TCP; the variable may hold the JSON itself", () => {
    assert.equal(RouteTable.fromEnv({}).forConnect("127.0.0.1", 1), undefined);
    const inline = RouteTable.fromEnv({
      MPM_VRDMA_ROUTES: '{"routes":[{"address":"peer:7","shm":"ivshmem"}]}',
    });
    assert.equal(inline.forConnect("peer", 7), "ivshmem");
    assert.throws(() => RouteTable.fromEnv({ MPM_VRDMA_ROUTES: "{oops" }), { code: "MPM_E_VRDMA_ROUTES" });
  });

  it("finds the ivshmem device's BAR2 by vendor and device id", () => {
    const sysfs = join(dir, "pci");
    for (const [bdf, vendor, device] of [
      ["0000:00:01.0", "0x8086", "0x1237"],
      ["0000:00:02.0", "0x1af4", "0x1110"],
    ] as const) {
      mkdirSync(join(sysfs, bdf), { recursive: true });
      writeFileSync(join(sysfs, bdf, "vendor"), `${vendor}\n`);
      writeFileSync(join(sysfs, bdf, "device"), `${device}\n`);
    }
    assert.equal(resolveRegionPath("ivshmem", sysfs), join(sysfs, "0000:00:02.0", "resource2"));
    assert.equal(resolveRegionPath("/dev/shm/x", sysfs), "/dev/shm/x");
    assert.throws(() => resolveRegionPath("ivshmem:1", sysfs), { code: "MPM_E_VRDMA_MAP" });
    rmSync(dir, { recursive: true, force: true });
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { decideAccel, kvmProblem, parseAccelChoice } from "./accel.ts";
import { type HostFacts, parseTscKhz } from "./host-facts.ts";

const goodHost: HostFacts = {
  kvmDeviceUsable: true,
  hardwareVirtualisation: true,
  nestedPvm: false,
  tscKhz: 2e6,
};
const pvmHost: HostFacts = { ...goodHost, hardwareVirtualisation: false, nestedPvm: true };

test("auto takes KVM on a normal host and falls back to TCG with one notice otherwise", () => {
  assert.deepEqual(decideAccel("auto", goodHost), { accel: "kvm", notice: undefined });
  const fallback = decideAccel("auto", pvmHost);
  assert.equal(fallback.accel, "tcg");
  assert.match(fallback.notice!, /nested PVM.*TCG/);
  assert.equal(fallback.notice!.includes("\n"), false);
});

test("each reason KVM is unusable is named", () => {
  assert.match(kvmProblem({ ...goodHost, kvmDeviceUsable: false })!, /\/dev\/kvm is missing/);
  assert.match(kvmProblem(pvmHost)!, /kvm_pvm/);
  assert.match(kvmProblem({ ...goodHost, hardwareVirtualisation: false })!, /vmx nor svm/);
  assert.equal(kvmProblem(goodHost), undefined);
});

test("--accel kvm on an unusable host is an error; tcg is always allowed", () => {
  assert.throws(() => decideAccel("kvm", pvmHost), { code: "MPM_E_KVM_UNUSABLE", message: /--accel kvm/ });
  assert.deepEqual(decideAccel("tcg", goodHost), { accel: "tcg", notice: undefined });
  assert.throws(() => parseAccelChoice("hvf"), { code: "MPM_E_BAD_RUN_OPTION" });
});

test("the TSC frequency comes from /proc/cpuinfo's cpu MHz", () => {
  assert.equal(parseTscKhz("processor\t: 0\ncpu MHz\t\t: 2445.406\nflags\t: fpu\n"), 2445406);
  assert.equal(parseTscKhz("processor\t: 0\n"), undefined);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { freqHeader, freqRates, freqRow } from "./freq-table.ts";
import { type ThreadSample, topFrame } from "./top-frame.ts";

const t = (id: number, name: string, cpu_ms: number, extra: Partial<ThreadSample> = {}): ThreadSample => ({
  id,
  cpu: 0,
  cpu_ms,
  switches: 0,
  migrations: 0,
  preemptions: 0,
  name,
  ...extra,
});

test("top: first sample prints only the headers; then busiest threads with %CPU from the guest's time_ms", () => {
  const prev = {
    list: [t(1, "idle0", 1000), t(2, "idle1", 1000), t(10, "app", 500), t(11, "gc", 100)],
    time_ms: 10_000,
  };
  const cur = {
    list: [
      t(1, "idle0", 1500),
      t(2, "idle1", 1900),
      t(10, "app", 1500, { cpu: -1 }),
      t(11, "gc", 200),
      t(12, "new", 50),
    ],
    time_ms: 12_000,
  };
  const opts = { switches: false, lines: 20, idle: false };
  assert.deepEqual(topFrame(prev, undefined, opts), ["4 threads", "   ID CPU  %CPU    TIME NAME"]);
  assert.deepEqual(topFrame(cur, prev, opts), [
    "5 threads on 2 CPUs; idle:  25%  45%  (total  70%)",
    "   ID CPU  %CPU    TIME NAME",
    "   10   -  50.0    1.50 app",
    "   11   0   5.0    0.20 gc",
  ]);
  assert.equal(topFrame(cur, prev, { ...opts, lines: 1 }).length, 3);
});

test("top -s: switch, preemption and migration rates; us/sw without dividing by zero", () => {
  const prev = { list: [t(10, "app", 100, { switches: 10, preemptions: 1, migrations: 0 })], time_ms: 0 };
  const cur = { list: [t(10, "app", 300, { switches: 110, preemptions: 21, migrations: 2 })], time_ms: 2000 };
  const [, title, row] = topFrame(cur, prev, { switches: true, lines: 5, idle: false });
  assert.equal(title, "   ID CPU  %CPU    TIME      sw    sw/s us/sw preempt   pre/s    mig mig/s NAME");
  assert.equal(row, "   10   0  10.0    0.30     110    50.0  2000      21    10.0      2   1.0 app");
  const still = topFrame({ list: [t(10, "app", 400, { switches: 110 })], time_ms: 3000 }, cur, {
    switches: true,
    lines: 5,
    idle: false,
  });
  assert.match(still[2]!, / {4}0 /);
});

test("freq: header widths, rates per second, restarted counters", () => {
  const names = ["sched_switch", "a_very_long_tracepoint_name"];
  assert.equal(freqHeader(names), "   sched_switch a_very_long_tracepoint_name");
  const prev = {
    list: [
      { name: "sched_switch", count: 100 },
      { name: "a_very_long_tracepoint_name", count: 50 },
    ],
    time_ms: 1000,
  };
  const cur = {
    list: [
      { name: "sched_switch", count: 300 },
      { name: "a_very_long_tracepoint_name", count: 10 },
    ],
    time_ms: 3000,
  };
  const rates = freqRates(cur, prev, names);
  assert.deepEqual(rates, [100, 5]);
  assert.equal(freqRow(names, rates), "            100                           5");
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseI32, parseU32, parseU64 } from "./c-numbers.ts";

describe("memcached's number parsing", () => {
  it("parses unsigned 64-bit values like safe_strtoull", () => {
    assert.equal(parseU64("18446744073709551615"), 18446744073709551615n);
    assert.equal(parseU64("18446744073709551616"), undefined);
    assert.equal(parseU64("+5"), 5n);
    assert.equal(parseU64("-1"), undefined);
    assert.equal(parseU64("-0"), 0n);
    assert.equal(parseU64("12abc"), undefined);
    assert.equal(parseU64(""), undefined);
    assert.equal(parseU64("007"), 7n);
    assert.equal(parseU64(`${"0".repeat(40)}18446744073709551615`), 18446744073709551615n);
    assert.equal(parseU64("1".repeat(1_000_000)), undefined);
  });

  it("truncates 32-bit flags like a C cast", () => {
    assert.equal(parseU32("4294967296"), 0);
    assert.equal(parseU32("4294967297"), 1);
    assert.equal(parseU32("-1"), undefined);
  });

  it("parses signed 32-bit values like safe_strtol", () => {
    assert.equal(parseI32("-1"), -1);
    assert.equal(parseI32("2147483648"), -2147483648);
    assert.equal(parseI32("abc"), undefined);
    assert.equal(parseI32("99999999999999999999"), undefined);
  });
});

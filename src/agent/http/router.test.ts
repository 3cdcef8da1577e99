import assert from "node:assert/strict";
import { test } from "node:test";
import { FULL_LISTINGS } from "../listings.ts";
import { parseCommandLine } from "../system/app-runner.ts";
import { formatFlags } from "../system/network-info.ts";
import { parseBool, Router } from "./router.ts";

const router = new Router(FULL_LISTINGS);
const nick = (method: string, path: string) => router.match(method, path)?.route.operation.nickname;

test("routes: exact paths first, one trailing slash ignored, allowMultiple takes the rest with its slash", () => {
  assert.equal(nick("GET", "/env"), "list_env");
  assert.equal(nick("GET", "/env/"), "list_env");
  assert.deepEqual(router.match("GET", "/env/HOME")?.pathParams, { var: "/HOME" });
  assert.deepEqual(router.match("GET", "/file/etc/hosts")?.pathParams, { "path-par": "/etc/hosts" });
  assert.equal(nick("GET", "/fs/df/"), "list_df_stats");
  assert.deepEqual(router.match("GET", "/fs/df//")?.pathParams, { mount: "/" });
  assert.deepEqual(router.match("GET", "/network/ifconfig/eth0")?.pathParams, { intf: "eth0" });
  assert.equal(router.match("GET", "/network/ifconfig/eth0/x"), undefined);
  assert.equal(nick("GET", "/trace/count"), "getCounts");
  assert.equal(nick("POST", "/trace/count/sched_switch"), "setCountEvent");
  assert.equal(router.match("DELETE", "/os/name"), undefined);
});

test("booleans as OSv's str2bool; command lines as OSv's parser", () => {
  assert.equal(parseBool(""), false);
  assert.equal(parseBool("TRUE"), true);
  assert.equal(parseBool("0"), false);
  assert.throws(() => parseBool("yes"), /Invalid value yes use true\/false or 0\/1/);
  assert.deepEqual(parseCommandLine(`/a "b c" 'd' & /e\\ f`), [["/a", "b c", "d"], ["/e f"]]);
  assert.throws(() => parseCommandLine("/a; /b"), /use & for multiple commands/);
  assert.throws(() => parseCommandLine('/a "b'), /Bad formatted command/);
});

test("interface flags in OSv's <octal><NAMES> shape", () => {
  assert.equal(formatFlags(0x1043), "10103<UP,BROADCAST,RUNNING,MULTICAST>");
  assert.equal(formatFlags(0x9), "11<UP,LOOPBACK>");
});

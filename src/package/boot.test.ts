import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type BootablePackage,
  capstanCommandLine,
  capstanRunScript,
  expandVariables,
  resolveBoot,
} from "./boot.ts";
import { parseManifest } from "./manifest.ts";
import { parseOpts } from "./opts.ts";
import { ProblemList } from "./problem.ts";
import { parseRunConfig } from "./run-config.ts";

function pkg(name: string, runYaml: string, optsYaml?: string): BootablePackage {
  const problems = new ProblemList();
  const manifest = parseManifest(`name: ${name}\ntitle: T\nauthor: A\nversion: 1.0.0\n`, problems)!;
  const run = parseRunConfig(runYaml, problems);
  const opts = optsYaml ? parseOpts(optsYaml, problems) : [];
  assert.deepEqual(
    problems.items.filter((p) => p.severity === "error"),
    [],
  );
  return { manifest, run, opts };
}

test("native: bootcmd as written, env as soft defaults", () => {
  const p = pkg(
    "app",
    "runtime: native\nconfig_set:\n  default:\n    bootcmd: /usr/bin/app --port $PORT\n    env:\n      PORT: 8000\nconfig_set_default: default\n",
  );
  const boot = resolveBoot(p);
  assert.equal(boot.command, "/usr/bin/app --port 8000");
  assert.equal(boot.template, "/usr/bin/app --port $PORT");
  assert.deepEqual(boot.env, { PORT: "8000" });
  const hard = resolveBoot(p, { env: { PORT: "9000" } });
  assert.equal(hard.command, "/usr/bin/app --port 9000");
  assert.deepEqual(hard.overrides, { PORT: "9000" });
});

test("node: node main.js args, and shell runs the bare interpreter", () => {
  const p = pkg(
    "web",
    "runtime: node\nconfig_set:\n  app:\n    main: /app/main.js\n    args: [--verbose, '8080']\n  repl:\n    shell: true\nconfig_set_default: app\n",
  );
  assert.equal(resolveBoot(p).command, "node /app/main.js --verbose 8080");
  assert.equal(resolveBoot(p, { configSet: "repl" }).command, "node");
});

test("java: -jar for jars, memory and classpath defaults from the runtime base", () => {
  const p = pkg(
    "j",
    "runtime: java\nconfig_set:\n  jar:\n    main: /app.jar\n    xmx: 1g\n  cls:\n    main: com.example.Main\n    classpath: [/a, /b]\n    jvm_args: [-Dk=v]\n    args: x\n",
  );
  assert.equal(
    resolveBoot(p, { configSet: "jar" }).command,
    "java -Xms512m -Xmx1g -cp / -Duser.dir=/ -jar /app.jar",
  );
  assert.equal(
    resolveBoot(p, { configSet: "cls" }).command,
    "java -Xms512m -Xmx512m -cp /a:/b -Dk=v com.example.Main x",
  );
});

test("python: python main args", () => {
  const p = pkg("py", "runtime: python\nconfig_set:\n  default:\n    main: /app.py\n    python_args: -u\n");
  assert.equal(resolveBoot(p).command, "python -u /app.py");
});

test("a runtime package among the packages supplies its own bootcmd, as in Capstan", () => {
  const node = pkg(
    "node-4.4.5",
    "runtime: native\nconfig_set:\n  node:\n    bootcmd: /node $NODE_ARGS $MAIN $ARGS\n    env: { NODE_ARGS: --no-deprecation }\n",
  );
  const app = pkg(
    "web",
    "runtime: node\nconfig_set:\n  default:\n    main: /m.js\n    node_args: --harmony\n",
  );
  const boot = resolveBoot(app, { packages: new Map([["node-4.4.5", node]]) });
  assert.equal(boot.command, "/node --harmony /m.js");
});

test("base inheritance takes the base's bootcmd; the child's env wins", () => {
  const base = pkg(
    "server",
    "runtime: native\nconfig_set:\n  serve:\n    bootcmd: /server --root $ROOT --threads $THREADS\n    env: { ROOT: /srv, THREADS: 1 }\n",
  );
  const app = pkg(
    "site",
    "runtime: native\nconfig_set:\n  default:\n    base: server:serve\n    env: { ROOT: /site }\n",
  );
  const boot = resolveBoot(app, { packages: new Map([["server", base]]) });
  assert.equal(boot.command, "/server --root /site --threads 1");
  assert.throws(
    () => resolveBoot(app),
    (err: Error & { code?: string }) => err.code === "MPM_E_RUN_CONFIG" && /server/.test(err.message),
  );
});

test("opts: defaults are soft, --opt values hard; unknown names are errors", () => {
  const p = pkg(
    "mc",
    "runtime: native\nconfig_set:\n  default:\n    bootcmd: /memcached -p $PORT -m $MEMORY\n",
    "- long: port\n  short: p\n  default: '11211'\n- long: memory\n  env: MEMORY\n  default: '64'\n",
  );
  assert.equal(resolveBoot(p).command, "/memcached -p 11211 -m 64");
  assert.equal(resolveBoot(p, { opts: { p: "2000", memory: "128" } }).command, "/memcached -p 2000 -m 128");
  assert.throws(
    () => resolveBoot(p, { opts: { nope: "1" } }),
    (err: Error & { code?: string; hint?: string }) =>
      err.code === "MPM_E_OPT" && /port/.test(err.hint ?? ""),
  );
});

test("config set choice: default, explicit, unknown, ambiguous chains", () => {
  const p = pkg(
    "s",
    "runtime: native\nconfig_set:\n  master: { bootcmd: /m }\n  worker: { bootcmd: /w }\nconfig_set_default: worker\n",
  );
  assert.equal(resolveBoot(p).command, "/w");
  assert.equal(resolveBoot(p, { configSet: "master" }).configSet, "master");
  assert.throws(() => resolveBoot(p, { configSet: "x" }), /no config set 'x'/);
  const chain = pkg(
    "c",
    "runtime: native\nconfig_set:\n  a: { bootcmd: /a }\n  b: { bootcmd: /b }\nconfig_set_default: a,b\n",
  );
  assert.throws(() => resolveBoot(chain), /chains a, b/);
});

test("Capstan's /run file and command line forms", () => {
  const p = pkg(
    "app",
    "runtime: native\nconfig_set:\n  default:\n    bootcmd: /app $X\n    env: { X: 1, A: b }\n",
  );
  const boot = resolveBoot(p);
  assert.equal(capstanRunScript(boot), "--env=A?=b --env=X?=1 /app $X");
  assert.equal(capstanCommandLine(["default"], { K: "v" }), "--env=K=v runscript /run/default;");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the syntax under test
  assert.equal(expandVariables("a ${B} $C d", { B: "b" }), "a b d");
});

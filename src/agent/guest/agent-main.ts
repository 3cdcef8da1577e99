import { parseArgs } from "node:util";
import { startAgent } from "../commands/agent.ts";
import { parseAccessAllow } from "../http/cors.ts";

/**
 * The agent's entry point inside a guest (bundled into one file by esbuild, so no commander and no CLI
 * tree): `node agent.mjs --mode guest --shell "<app command>" --exit-with-app`. The agent starts the
 * application beside itself and, with --exit-with-app, exits with its status so the guest powers off.
 */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: "string", default: "guest" },
      host: { type: "string" },
      port: { type: "string", default: "8000" },
      pid: { type: "string" },
      tracefs: { type: "string" },
      "file-root": { type: "string" },
      "cmdline-file": { type: "string" },
      "read-only": { type: "boolean", default: false },
      "access-allow": { type: "string", default: "false" },
      "max-body": { type: "string", default: String(16 * 1024 * 1024) },
      ssl: { type: "boolean", default: false },
      cert: { type: "string" },
      key: { type: "string" },
      cacert: { type: "string" },
      shell: { type: "string" },
      "exit-with-app": { type: "boolean", default: false },
    },
  });
  const agent = await startAgent({
    mode: values.mode === "host" ? "host" : "guest",
    host: values.host,
    port: Number(values.port),
    pid: values.pid === undefined ? undefined : Number(values.pid),
    fileRoot: values["file-root"],
    cmdlineFile: values["cmdline-file"],
    readOnly: values["read-only"],
    accessAllow: parseAccessAllow(values["access-allow"]),
    maxBody: Number(values["max-body"]),
    ssl: values.ssl,
    cert: values.cert,
    key: values.key,
    cacert: values.cacert,
    tracefs: values.tracefs,
    mountTracefs: undefined,
    run: undefined,
    runShell: values.shell,
  });
  process.stdout.write(`mpm-agent: listening on ${agent.url}\n`);
  let status = 0;
  if (values["exit-with-app"] && values.shell !== undefined) {
    agent.onAppExit((code) => {
      status = code ?? 1;
      void agent.close();
    });
  }
  for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => void agent.close());
  const action = await agent.done;
  process.stdout.write(`mpm-agent: stopped (${action})\n`);
  return status;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`mpm-agent: ${(error as Error).message}\n`);
  return 70;
});

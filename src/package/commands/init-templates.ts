import type { Runtime } from "../run-config.ts";

/** Commented run.yaml stubs written by `mpm init --runtime <runtime>`; each is valid as written. */
export const RUN_YAML_STUBS: Readonly<Record<Runtime, string>> = {
  native: `# How the guest runs this package (Capstan's run.yaml).
runtime: native

config_set:
  # A named way to boot; pick one with --boot <name>.
  default:
    # The command line; $VAR is replaced from env (and from --env / --opt at run time).
    bootcmd: /usr/bin/app --port $PORT
    # Soft defaults: --env and --opt values win.
    env:
      PORT: "8000"
    # base: other-package:config_set   # inherit the bootcmd of a required package

config_set_default: default
`,
  node: `# How the guest runs this package (Capstan's run.yaml).
runtime: node

config_set:
  default:
    # The script node runs.
    main: /app/main.js
    # args: [--flag, value]
    # node_args: [--max-old-space-size=256]
    # shell: true   # run the interactive interpreter instead of main
    # env: { NODE_ENV: production }

config_set_default: default
`,
  python: `# How the guest runs this package (Capstan's run.yaml).
runtime: python

config_set:
  default:
    # The script python runs.
    main: /app/main.py
    # args: [--flag, value]
    # python_args: [-u]
    # shell: true   # run the interactive interpreter instead of main

config_set_default: default
`,
  java: `# How the guest runs this package (Capstan's run.yaml).
runtime: java

config_set:
  default:
    # A main class, or a .jar (run with -jar).
    main: /app/app.jar
    # classpath: [/app/lib/a.jar, /app/classes]
    # xms: 64m
    # xmx: 512m
    # jvm_args: [-Dkey=value]
    # args: [--flag, value]

config_set_default: default
`,
};

export function packageYaml(fields: {
  name: string;
  title: string;
  author: string;
  version: string;
  require: readonly string[];
  created: string;
  platform: string | undefined;
}): string {
  const lines = [
    "# Package metadata (Capstan's package.yaml).",
    `name: ${quote(fields.name)}`,
    `title: ${quote(fields.title)}`,
    `author: ${quote(fields.author)}`,
    `version: ${quote(fields.version)}`,
    `created: ${quote(fields.created)}`,
  ];
  if (fields.platform) lines.push(`platform: ${quote(fields.platform)}`);
  if (fields.require.length > 0) {
    lines.push(
      "# Packages this one needs; name or name@semver-range.",
      "require:",
      ...fields.require.map((r) => `  - ${quote(r)}`),
    );
  } else {
    lines.push(
      "# require:            # packages this one needs: name or name@semver-range",
      "#   - other.package@^1.0",
    );
  }
  return `${lines.join("\n")}\n`;
}

export function readme(title: string): string {
  return `# ${title}\n\nWhat this package does and how to configure it.\n`;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

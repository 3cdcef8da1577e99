import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
/** Debian's interpreter: a pyenv/venv python earlier on PATH does not see python3-glance. */
const PYTHON = "/usr/bin/python3";
/** Start until /healthcheck answers takes 3-5 s on 2 busy cores, with outliers of 15 s. */
const START_TIMEOUT_MS = 60_000;

/** A real Glance API (Images v2) on loopback: SQLite, file store, no Keystone (fakeauth identity). */
export interface GlanceServer {
  readonly url: string;
  readonly dir: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
  /** Removes the server's directory after stopping it. */
  dispose(): Promise<void>;
}

/** True when python3-glance is installed (tests skip otherwise with a clear reason). */
export async function glanceAvailable(): Promise<boolean> {
  try {
    await stat("/usr/lib/python3/dist-packages/glance/cmd/api.py");
    return true;
  } catch {
    return false;
  }
}

export interface GlanceServerOptions {
  /** Glance's image_size_cap: larger uploads get 413. The tests use 64 MiB to provoke it. */
  readonly sizeCapBytes?: number;
}

export async function startGlance(options: GlanceServerOptions = {}): Promise<GlanceServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "mpm-glance-"));
  const port = await freePort();
  await writeConfig(dir, port, options.sizeCapBytes ?? 64 << 20);
  await prepareDatabase(dir);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined = await launch(dir, url);
  const stop = async (): Promise<void> => {
    if (child) await terminate(child);
    child = undefined;
  };
  return {
    url,
    dir,
    stop,
    restart: async () => {
      await stop();
      child = await launch(dir, url);
    },
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthcheck`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function launch(dir: string, url: string): Promise<ChildProcess> {
  // Glance listens with SO_REUSEPORT: a stray server on the port would silently share it.
  if (await answers(url)) throw new Error(`${url} already answers; refusing to start a second Glance on it`);
  const log = await import("node:fs").then((fs) => fs.openSync(path.join(dir, "api.log"), "a"));
  const child = spawn(PYTHON, ["-m", "glance.cmd.api", "--config-file", path.join(dir, "glance-api.conf")], {
    env: { ...process.env, PYTHONPATH: dir },
    stdio: ["ignore", log, log],
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answers(url)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await terminate(child);
  const tail = (await readFile(path.join(dir, "api.log"), "utf8")).split("\n").slice(-30).join("\n");
  throw new Error(`glance-api did not start on ${url}:\n${tail}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * db_sync takes 2.5-4 s; the migrated empty database is kept as a template in the temp dir and copied,
 * so only the first server of a run pays for it.
 */
async function prepareDatabase(dir: string): Promise<void> {
  const template = path.join(tmpdir(), "mpm-glance-template-v1.sqlite");
  try {
    await stat(template);
  } catch {
    await run(
      PYTHON,
      ["-m", "glance.cmd.manage", "--config-file", path.join(dir, "glance-api.conf"), "db_sync"],
      {
        timeout: 120_000,
      },
    );
    const staged = `${template}.${process.pid}.tmp`;
    await copyFile(path.join(dir, "glance.sqlite"), staged);
    await rename(staged, template);
    return;
  }
  await copyFile(template, path.join(dir, "glance.sqlite"));
}

async function writeConfig(dir: string, port: number, sizeCap: number): Promise<void> {
  for (const sub of ["images", "staging", "tasks", "lock"])
    await mkdir(path.join(dir, sub), { recursive: true });
  await writeFile(path.join(dir, "glance-api.conf"), apiConf(dir, port, sizeCap));
  await writeFile(path.join(dir, "glance-api-paste.ini"), pasteIni(dir));
  await writeFile(path.join(dir, "glance_fakeauth.py"), FAKEAUTH_PY);
}

function apiConf(dir: string, port: number, sizeCap: number): string {
  return `[DEFAULT]
bind_host = 127.0.0.1
bind_port = ${port}
workers = 0
debug = false
use_stderr = true
image_size_cap = ${sizeCap}
enabled_backends = fs:file
enabled_import_methods = [glance-direct]

[database]
connection = sqlite:///${dir}/glance.sqlite

[paste_deploy]
flavor = fakeauth
config_file = ${dir}/glance-api-paste.ini

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = ${dir}/images/

[os_glance_staging_store]
filesystem_store_datadir = ${dir}/staging/

[os_glance_tasks_store]
filesystem_store_datadir = ${dir}/tasks/

[oslo_concurrency]
lock_path = ${dir}/lock

[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
`;
}

function pasteIni(dir: string): string {
  return `[pipeline:glance-api-fakeauth]
pipeline = healthcheck versionnegotiation fakeauth context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:healthcheck]
paste.filter_factory = oslo_middleware:Healthcheck.factory
backends = disable_by_file
disable_by_file_path = ${dir}/healthcheck_disable

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

[filter:fakeauth]
paste.filter_factory = glance_fakeauth:filter_factory
`;
}

/** Stands in for keystonemiddleware: every request is project ci-project with admin,member,reader roles. */
const FAKEAUTH_PY = `def filter_factory(global_conf, **local_conf):
    defaults = {
        'HTTP_X_IDENTITY_STATUS': 'Confirmed',
        'HTTP_X_PROJECT_ID': 'ci-project',
        'HTTP_X_USER_ID': 'ci-user',
        'HTTP_X_ROLES': 'admin,member,reader',
    }

    def _filter(app):
        def middleware(environ, start_response):
            for key, value in defaults.items():
                environ.setdefault(key, value)
            return app(environ, start_response)
        return middleware
    return _filter
`;

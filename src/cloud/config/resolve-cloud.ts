import { MpmError } from "../../errors/mpm-error.ts";
import type { CloudAuth, CloudConfig, EndpointInterface, NameOrId } from "./cloud-config.ts";
import { cloudsSearchPath, isRecord, loadCloudsFile, type RawCloud } from "./clouds-yaml.ts";
import { envCloud } from "./env-cloud.ts";
import { Secret } from "./secret.ts";

export interface ResolveCloudOptions {
  /** --cloud; falls back to OS_CLOUD, then to the OS_* variables. */
  readonly name?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Finds the cloud to talk to, the way OpenStack's own clients do. */
export async function resolveCloud(options: ResolveCloudOptions = {}): Promise<CloudConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const name = options.name ?? env["OS_CLOUD"];
  const fromEnv = envCloud(env);
  if (name === undefined || name === "envvars") {
    if (fromEnv) return normaliseCloud("envvars", fromEnv, "environment");
    throw new MpmError(
      "MPM_E_CLOUD_UNKNOWN",
      "no cloud given: neither --cloud, OS_CLOUD nor OS_AUTH_URL is set",
      {
        hint: "pass --cloud <name> naming an entry of clouds.yaml, or export OS_CLOUD or the OS_* variables",
      },
    );
  }
  const file = await loadCloudsFile(env, cwd);
  const entry = file?.clouds[name];
  if (!file || !entry) {
    const known = file ? Object.keys(file.clouds) : [];
    const where = file ? file.path : `clouds.yaml in ${cloudsSearchPath(env, cwd).join(", ")}`;
    throw new MpmError("MPM_E_CLOUD_UNKNOWN", `cloud "${name}" is not defined in ${where}`, {
      hint: known.length
        ? `clouds defined there: ${known.join(", ")}`
        : "add it under `clouds:` in clouds.yaml",
      details: { cloud: name },
    });
  }
  return normaliseCloud(name, entry, file.path);
}

/** Validates one clouds.yaml entry; every error names the file and the field. */
export function normaliseCloud(name: string, raw: RawCloud, source: string): CloudConfig {
  const field = (key: string): string => `${source}: clouds.${name}.${key}`;
  const auth = isRecord(raw["auth"]) ? raw["auth"] : {};
  const str = (record: Record<string, unknown>, key: string, where: string): string | undefined => {
    const value = record[key];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value === "string" || typeof value === "number") return String(value);
    throw configError(`${field(where)} must be a string`, where, source);
  };
  const endpoint =
    str(raw, "image_endpoint_override", "image_endpoint_override") ?? str(auth, "endpoint", "auth.endpoint");
  const region = str(raw, "region_name", "region_name");
  return {
    name,
    source,
    auth: authOf(raw, auth, { field, str, source }),
    regionName: region,
    interface: interfaceOf(str(raw, "interface", "interface"), field("interface"), source),
    imageEndpoint:
      endpoint === undefined ? undefined : checkUrl(endpoint, field("image_endpoint_override"), source),
  };
}

interface FieldReader {
  field(key: string): string;
  str(record: Record<string, unknown>, key: string, where: string): string | undefined;
  source: string;
}

function authOf(raw: RawCloud, auth: Record<string, unknown>, r: FieldReader): CloudAuth {
  const declared = r.str(raw, "auth_type", "auth_type");
  const type = declared ?? inferAuthType(auth);
  const a = (key: string) => r.str(auth, key, `auth.${key}`);
  const need = (key: string, why: string): string => {
    const value = a(key);
    if (value === undefined)
      throw configError(`${r.field(`auth.${key}`)} is missing (${why})`, `auth.${key}`, r.source);
    return value;
  };
  const userDomain = {
    name: a("user_domain_name") ?? a("domain_name"),
    id: a("user_domain_id") ?? a("domain_id"),
  };
  switch (type) {
    case "none":
    case "noauth": {
      if (
        !r.str(auth, "endpoint", "auth.endpoint") &&
        !r.str(raw, "image_endpoint_override", "image_endpoint_override")
      ) {
        throw configError(
          `${r.field("auth.endpoint")} is missing (auth_type none talks to Glance directly)`,
          "auth.endpoint",
          r.source,
        );
      }
      return { type: "none" };
    }
    case "password":
    case "v3password": {
      const authUrl = checkUrl(need("auth_url", "Keystone's URL"), r.field("auth.auth_url"), r.source);
      const user = { name: a("username"), id: a("user_id") };
      if (!user.name && !user.id)
        throw configError(`${r.field("auth.username")} is missing`, "auth.username", r.source);
      return {
        type: "password",
        authUrl,
        user,
        userDomain: withDefaultDomain(userDomain),
        password: new Secret(need("password", "password authentication")),
        project: { name: a("project_name"), id: a("project_id") },
        projectDomain: withDefaultDomain({
          name: a("project_domain_name") ?? a("domain_name"),
          id: a("project_domain_id") ?? a("domain_id"),
        }),
      };
    }
    case "v3applicationcredential":
    case "applicationcredential": {
      const authUrl = checkUrl(need("auth_url", "Keystone's URL"), r.field("auth.auth_url"), r.source);
      const credential = { id: a("application_credential_id"), name: a("application_credential_name") };
      if (!credential.id && !credential.name) {
        throw configError(
          `${r.field("auth.application_credential_id")} is missing`,
          "auth.application_credential_id",
          r.source,
        );
      }
      const user = { name: a("username"), id: a("user_id") };
      if (!credential.id && !user.name && !user.id) {
        throw configError(
          `${r.field("auth.username")} is needed with application_credential_name`,
          "auth.username",
          r.source,
        );
      }
      return {
        type: "applicationCredential",
        authUrl,
        credential,
        user,
        userDomain: withDefaultDomain(userDomain),
        secret: new Secret(need("application_credential_secret", "application credential authentication")),
      };
    }
    default:
      throw configError(`${r.field("auth_type")} "${type}" is not supported`, "auth_type", r.source, {
        hint: "use password, v3applicationcredential or none",
      });
  }
}

function inferAuthType(auth: Record<string, unknown>): string {
  if (auth["application_credential_secret"] !== undefined) return "v3applicationcredential";
  if (auth["auth_url"] !== undefined) return "password";
  return "none";
}

/** Keystone's own default for users and projects named without a domain. */
function withDefaultDomain(domain: NameOrId): NameOrId {
  return domain.name || domain.id ? domain : { id: "default" };
}

function interfaceOf(value: string | undefined, where: string, source: string): EndpointInterface {
  const short = (value ?? "public").replace(/URL$/, "");
  if (short === "public" || short === "internal" || short === "admin") return short;
  throw configError(`${where} "${value}" must be public, internal or admin`, "interface", source);
}

function checkUrl(value: string, where: string, source: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value.replace(/\/+$/, "");
  } catch {
    // reported below
  }
  throw configError(
    `${where} "${value}" is not an http(s) URL`,
    where.split(".").slice(-1)[0] ?? where,
    source,
  );
}

function configError(
  message: string,
  field: string,
  source: string,
  extra: { hint?: string } = {},
): MpmError {
  return new MpmError("MPM_E_CLOUD_CONFIG", message, {
    hint: extra.hint ?? "fix the cloud's entry in clouds.yaml (or the OS_* variables)",
    details: { file: source, field },
  });
}

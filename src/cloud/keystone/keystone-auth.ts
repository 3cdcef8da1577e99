import { MpmError } from "../../errors/mpm-error.ts";
import type { ApplicationCredentialAuth, NameOrId, PasswordAuth } from "../config/cloud-config.ts";
import { httpError, networkError } from "../http-error.ts";
import type { CatalogService, KeystoneToken } from "./keystone-token.ts";

export type KeystoneAuth = PasswordAuth | ApplicationCredentialAuth;

/** Keystone's v3 token URL for an auth_url given with or without its /v3 suffix. */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, "");
  return /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

/** The body of POST /v3/auth/tokens for password or application-credential authentication. */
export function tokenRequestBody(auth: KeystoneAuth): unknown {
  if (auth.type === "password") {
    return {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { ...userRef(auth.user, auth.userDomain), password: auth.password.reveal() } },
        },
        ...projectScope(auth),
      },
    };
  }
  const credential = auth.credential.id
    ? { id: auth.credential.id }
    : { name: auth.credential.name, user: userRef(auth.user, auth.userDomain) };
  return {
    auth: {
      identity: {
        methods: ["application_credential"],
        application_credential: { ...credential, secret: auth.secret.reveal() },
      },
    },
  };
}

function userRef(user: NameOrId, domain: NameOrId): Record<string, unknown> {
  return user.id ? { id: user.id } : { name: user.name, domain: domainRef(domain) };
}

function domainRef(domain: NameOrId): Record<string, string> {
  return domain.id ? { id: domain.id } : { name: domain.name ?? "Default" };
}

function projectScope(auth: PasswordAuth): Record<string, unknown> {
  if (auth.project.id) return { scope: { project: { id: auth.project.id } } };
  if (auth.project.name)
    return { scope: { project: { name: auth.project.name, domain: domainRef(auth.projectDomain) } } };
  return {};
}

/** Reads a token response (201, X-Subject-Token header, JSON body with expires_at and catalog). */
export function parseTokenResponse(subjectToken: string | null, body: unknown, url: string): KeystoneToken {
  const token = (body as { token?: { expires_at?: string; catalog?: CatalogService[] } } | null)?.token;
  const expiresAt = Date.parse(token?.expires_at ?? "");
  if (!subjectToken || !token || Number.isNaN(expiresAt)) {
    throw new MpmError(
      "MPM_E_CLOUD_REQUEST",
      `Keystone at ${new URL(url).host} answered without a usable token`,
      {
        hint: "check that auth_url points at Keystone's v3 API",
        details: { url },
      },
    );
  }
  return { value: subjectToken, expiresAt, catalog: token.catalog ?? [] };
}

/** Authenticates against Keystone v3. Errors carry Keystone's reason but never the secret. */
export async function requestToken(
  auth: KeystoneAuth,
  fetchImpl: typeof fetch = fetch,
): Promise<KeystoneToken> {
  const url = tokensUrl(auth.authUrl);
  const context = { what: "authenticate with Keystone", url };
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(tokenRequestBody(auth)),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    throw networkError(err, context);
  }
  const text = await response.text();
  if (!response.ok) throw httpError(response.status, text, context);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return parseTokenResponse(response.headers.get("x-subject-token"), body, url);
}

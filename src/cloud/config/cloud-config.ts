import type { Secret } from "./secret.ts";

/** Keystone v3 names a user, project or domain by name (with its domain) or by id. */
export interface NameOrId {
  readonly name?: string | undefined;
  readonly id?: string | undefined;
}

/** No Keystone: requests go straight to `imageEndpoint` without a token (test clouds, private Glance). */
export interface NoAuth {
  readonly type: "none";
}

export interface PasswordAuth {
  readonly type: "password";
  readonly authUrl: string;
  readonly user: NameOrId;
  readonly userDomain: NameOrId;
  readonly password: Secret;
  readonly project: NameOrId;
  readonly projectDomain: NameOrId;
}

export interface ApplicationCredentialAuth {
  readonly type: "applicationCredential";
  readonly authUrl: string;
  /** The credential's id, or its name together with the owning user. */
  readonly credential: NameOrId;
  readonly user: NameOrId;
  readonly userDomain: NameOrId;
  readonly secret: Secret;
}

export type CloudAuth = NoAuth | PasswordAuth | ApplicationCredentialAuth;

export type EndpointInterface = "public" | "internal" | "admin";

/** One cloud, resolved from clouds.yaml or OS_* variables. Secrets are `Secret`s and never print. */
export interface CloudConfig {
  readonly name: string;
  /** Where it was defined: a clouds.yaml path or "environment". */
  readonly source: string;
  readonly auth: CloudAuth;
  readonly regionName: string | undefined;
  readonly interface: EndpointInterface;
  /** The Glance URL to use instead of the catalogue's (required with auth type none). */
  readonly imageEndpoint: string | undefined;
}

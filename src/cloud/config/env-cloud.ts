import type { RawCloud } from "./clouds-yaml.ts";

/** OS_* variables and where they go in a clouds.yaml entry (the names openstackclient reads). */
const AUTH_VARIABLES: Readonly<Record<string, string>> = {
  OS_AUTH_URL: "auth_url",
  OS_USERNAME: "username",
  OS_USER_ID: "user_id",
  OS_PASSWORD: "password",
  OS_PROJECT_NAME: "project_name",
  OS_TENANT_NAME: "project_name",
  OS_PROJECT_ID: "project_id",
  OS_TENANT_ID: "project_id",
  OS_USER_DOMAIN_NAME: "user_domain_name",
  OS_USER_DOMAIN_ID: "user_domain_id",
  OS_PROJECT_DOMAIN_NAME: "project_domain_name",
  OS_PROJECT_DOMAIN_ID: "project_domain_id",
  OS_APPLICATION_CREDENTIAL_ID: "application_credential_id",
  OS_APPLICATION_CREDENTIAL_NAME: "application_credential_name",
  OS_APPLICATION_CREDENTIAL_SECRET: "application_credential_secret",
  OS_ENDPOINT: "endpoint",
};

const CLOUD_VARIABLES: Readonly<Record<string, string>> = {
  OS_AUTH_TYPE: "auth_type",
  OS_REGION_NAME: "region_name",
  OS_INTERFACE: "interface",
  OS_ENDPOINT_TYPE: "interface",
  OS_IMAGE_ENDPOINT_OVERRIDE: "image_endpoint_override",
  OS_IMAGE_URL: "image_endpoint_override",
};

/** The cloud the OS_* variables describe (openstacksdk calls it "envvars"), or undefined when none is set. */
export function envCloud(env: NodeJS.ProcessEnv): RawCloud | undefined {
  const auth: Record<string, string> = {};
  const cloud: RawCloud = {};
  for (const [variable, key] of Object.entries(AUTH_VARIABLES)) {
    const value = env[variable];
    if (value) auth[key] = value;
  }
  for (const [variable, key] of Object.entries(CLOUD_VARIABLES)) {
    const value = env[variable];
    if (value) cloud[key] = value;
  }
  const located = auth["auth_url"] ?? auth["endpoint"] ?? cloud["image_endpoint_override"];
  if (!located) return undefined;
  return { ...cloud, auth };
}

import type { CodeSpec } from "../code-spec.ts";

/** Error codes of the cloud capability. Add codes here; `npm run docs:errors` regenerates docs/errors.md. */
export const cloudCodes = {
  MPM_E_CLOUD_CONFIG: {
    kind: "input",
    summary: "clouds.yaml or the OS_* environment is malformed or misses a field the auth type needs.",
  },
  MPM_E_CLOUD_UNKNOWN: {
    kind: "notFound",
    summary: "The named cloud is in no clouds.yaml on the search path, or no cloud is configured at all.",
  },
  MPM_E_CLOUD_AUTH: {
    kind: "forbidden",
    summary: "The cloud rejected the credentials or the token (HTTP 401).",
  },
  MPM_E_CLOUD_FORBIDDEN: {
    kind: "forbidden",
    summary: "The cloud's policy refused the request (HTTP 403); the message carries the cloud's reason.",
  },
  MPM_E_CLOUD_PROTECTED: {
    kind: "forbidden",
    summary: "The Glance image is protected and cannot be deleted or replaced.",
  },
  MPM_E_CLOUD_CONFLICT: {
    kind: "conflict",
    summary: "The request clashes with the image's state or another image (HTTP 409, a name already taken).",
  },
  MPM_E_CLOUD_AMBIGUOUS: {
    kind: "conflict",
    summary: "Several Glance images carry the given name; use the image id.",
  },
  MPM_E_CLOUD_TOO_LARGE: {
    kind: "tooLarge",
    summary: "The cloud refused the upload as too large or over the storage quota (HTTP 413).",
  },
  MPM_E_CLOUD_MEDIA_TYPE: {
    kind: "input",
    summary: "The cloud refused the request's content type (HTTP 415).",
  },
  MPM_E_CLOUD_NO_ENDPOINT: {
    kind: "notFound",
    summary: "The service catalogue has no image (Glance) endpoint for the interface and region asked for.",
  },
  MPM_E_CLOUD_UNREACHABLE: {
    kind: "unavailable",
    summary: "The cloud did not answer or dropped the connection (also mid-upload or mid-download).",
  },
  MPM_E_CLOUD_REQUEST: {
    kind: "failed",
    summary: "The cloud answered a request with an error status not covered by a more specific code.",
  },
  MPM_E_CLOUD_IMAGE_NOT_FOUND: {
    kind: "notFound",
    summary: "No Glance image has the given name or id.",
  },
  MPM_E_CLOUD_IMAGE_FORMAT: {
    kind: "input",
    summary:
      "The image file cannot be published as is: unknown or inconsistent disk format, or a format Glance cannot boot.",
  },
  MPM_E_CLOUD_CHECKSUM: {
    kind: "failed",
    summary: "The bytes stored or downloaded do not match the checksum (md5) or os_hash_value (sha512).",
  },
  MPM_E_CLOUD_IMPORT: {
    kind: "failed",
    summary: "Glance's image import (glance-direct) failed or did not finish in time.",
  },
  MPM_E_CLOUD_NOT_READY: {
    kind: "conflict",
    summary: "The Glance image has no data to download yet (not active).",
  },
  MPM_E_CLOUD_BASE_UNSUPPORTED: {
    kind: "input",
    summary:
      "The Glance image cannot be used as a compose base: it was not made by mpm or its format cannot be extended.",
  },
} as const satisfies Record<string, CodeSpec>;

import { MpmError } from "../errors/mpm-error.ts";

/** What the request was for, so the message names it ("upload image web (3f2c...)"). */
export interface RequestContext {
  readonly what: string;
  readonly url: string;
}

/**
 * The reason an OpenStack service gives in an error body. Glance answers with a small HTML page
 * (`<h1>403 Forbidden</h1> Image ... is protected ...<br />`), Keystone with JSON `{"error": {"message"}}`.
 */
export function reasonOf(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith("{")) {
    try {
      const json = JSON.parse(trimmed) as { error?: { message?: string }; message?: string };
      const message = json.error?.message ?? json.message;
      if (message) return message;
    } catch {
      // not JSON after all
    }
  }
  const afterTitle = trimmed.replace(/^[\s\S]*<\/h1>/i, "");
  const text = afterTitle
    .replace(/<br\s*\/?>[\s\S]*$/i, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  // Schema errors repeat the whole schema; the first line says what is wrong.
  return text.slice(0, 300);
}

/** Maps an HTTP error status from the cloud to the project's error codes, with the cloud's reason. */
export function httpError(status: number, body: string, context: RequestContext): MpmError {
  const reason = reasonOf(body) || `HTTP ${status}`;
  const base = `${context.what}: ${reason} (HTTP ${status} from ${new URL(context.url).host})`;
  const details = { status, url: context.url, reason };
  if (status === 401) {
    return new MpmError("MPM_E_CLOUD_AUTH", base, {
      hint: "check the credentials of the cloud in clouds.yaml or the OS_* variables",
      details,
    });
  }
  if (status === 403) {
    return new MpmError("MPM_E_CLOUD_FORBIDDEN", base, {
      hint: "ask the cloud's administrator for the right role",
      details,
    });
  }
  if (status === 404)
    return new MpmError("MPM_E_CLOUD_IMAGE_NOT_FOUND", base, {
      hint: "list images with `mpm images`",
      details,
    });
  if (status === 409)
    return new MpmError("MPM_E_CLOUD_CONFLICT", base, {
      hint: "check the image's status with `mpm images`",
      details,
    });
  if (status === 413 || /quota/i.test(reason)) {
    return new MpmError("MPM_E_CLOUD_TOO_LARGE", base, {
      hint: "free space in the project (`mpm rmi` old images) or ask for a larger image storage quota",
      details,
    });
  }
  if (status === 415)
    return new MpmError("MPM_E_CLOUD_MEDIA_TYPE", base, {
      hint: "the cloud wants another Content-Type",
      details,
    });
  return new MpmError("MPM_E_CLOUD_REQUEST", base, {
    hint:
      status >= 500
        ? "the cloud failed; try again or ask its administrator"
        : "check the request's arguments",
    details,
  });
}

/** A request that never got an answer: refused, reset mid-transfer, timed out. */
export function networkError(err: unknown, context: RequestContext): MpmError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new MpmError(
    "MPM_E_CLOUD_UNREACHABLE",
    `${context.what}: no answer from ${new URL(context.url).host} (${why})`,
    {
      hint: "check that the cloud is up and its URL in clouds.yaml is right",
      cause: err,
      details: { url: context.url },
    },
  );
}

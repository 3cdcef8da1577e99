import { mpmCacheDir } from "../base/cache-dir.ts";
import { MpmError } from "../errors/mpm-error.ts";
import type { CloudConfig } from "./config/cloud-config.ts";
import { networkError } from "./http-error.ts";
import { findImageEndpoint } from "./keystone/catalog.ts";
import { type KeystoneAuth, requestToken } from "./keystone/keystone-auth.ts";
import type { KeystoneToken } from "./keystone/keystone-token.ts";
import { TokenCache } from "./keystone/token-cache.ts";

export interface SessionOptions {
  readonly cacheDir?: string;
  readonly fetch?: typeof fetch;
}

/** An authenticated connection to one cloud's image service. */
export interface CloudSession {
  readonly cloud: CloudConfig;
  /** Glance's root URL, without the /v2 suffix. */
  readonly imageUrl: string;
  /**
   * Sends a request with the token. A 401 on a token from the cache means it was revoked: the request is
   * sent once more with a fresh token when its body can be replayed (not a stream).
   */
  send(url: string, init: RequestInit, what: string): Promise<Response>;
}

export async function openSession(cloud: CloudConfig, options: SessionOptions = {}): Promise<CloudSession> {
  const fetchImpl = options.fetch ?? fetch;
  if (cloud.auth.type === "none") {
    const imageUrl = glanceRoot(cloud.imageEndpoint!);
    return { cloud, imageUrl, send: (url, init, what) => sendOnce(fetchImpl, url, init, what) };
  }
  const auth: KeystoneAuth = cloud.auth;
  const cache = new TokenCache(options.cacheDir ?? mpmCacheDir());
  let token = await cache.get(auth);
  let fromCache = token !== undefined;
  if (!token) token = await fresh(auth, cache, fetchImpl);
  const imageUrl = glanceRoot(
    cloud.imageEndpoint ??
      findImageEndpoint(token.catalog, {
        interface: cloud.interface,
        region: cloud.regionName,
        cloud: cloud.name,
      }),
  );
  const send = async (url: string, init: RequestInit, what: string): Promise<Response> => {
    const withToken = (t: KeystoneToken) => ({
      ...init,
      headers: { ...(init.headers as object), "x-auth-token": t.value },
    });
    const response = await sendOnce(fetchImpl, url, withToken(token!), what);
    const replayable = init.body === undefined || typeof init.body === "string";
    if (response.status !== 401 || !fromCache || !replayable) return response;
    await response.arrayBuffer();
    await cache.drop(auth);
    token = await fresh(auth, cache, fetchImpl);
    fromCache = false;
    return sendOnce(fetchImpl, url, withToken(token), what);
  };
  return { cloud, imageUrl, send };
}

async function fresh(auth: KeystoneAuth, cache: TokenCache, fetchImpl: typeof fetch): Promise<KeystoneToken> {
  const token = await requestToken(auth, fetchImpl);
  await cache.put(auth, token);
  return token;
}

async function sendOnce(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  what: string,
): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (err) {
    if (err instanceof MpmError) throw err;
    throw networkError(err, { what, url });
  }
}

/** Catalogues list Glance with or without a version suffix; requests add /v2 themselves. */
export function glanceRoot(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v2(\.\d+)?$/, "");
}

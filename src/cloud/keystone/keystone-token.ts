/** One endpoint of a service in Keystone's catalogue. */
export interface CatalogEndpoint {
  readonly interface: string;
  readonly region?: string | null;
  readonly region_id?: string | null;
  readonly url: string;
}

export interface CatalogService {
  readonly type: string;
  readonly name?: string;
  readonly endpoints: readonly CatalogEndpoint[];
}

/** A Keystone v3 token with what we use of it. */
export interface KeystoneToken {
  /** The X-Subject-Token value. Kept only in memory and in the 0600 token cache. */
  readonly value: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly catalog: readonly CatalogService[];
}

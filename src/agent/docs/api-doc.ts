import { LISTING_DESCRIPTIONS, type SwaggerListing } from "../listings.ts";

/** GET /api-doc: OSv's swagger 1.2 resource index. */
export function apiDocIndex(listings: Readonly<Record<string, SwaggerListing>>): unknown {
  return {
    apiVersion: "0.0.1",
    swaggerVersion: "1.2",
    apis: Object.keys(listings).map((name) => ({
      path: `/${name}`,
      description: LISTING_DESCRIPTIONS[name],
    })),
  };
}

/** GET /api-doc/<name>: the verbatim listing with {{Host}} and {{Protocol}} filled from the request. */
export function apiDocListing(listing: SwaggerListing, options: { host: string; protocol: string }): string {
  return JSON.stringify(listing, null, 2)
    .replaceAll("{{Host}}", options.host)
    .replaceAll("{{Protocol}}", options.protocol);
}

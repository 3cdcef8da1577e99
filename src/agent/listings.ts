import fullApi from "./listings/api.json" with { type: "json" };
import fullApp from "./listings/app.json" with { type: "json" };
import fullEnv from "./listings/env.json" with { type: "json" };
import fullFile from "./listings/file.json" with { type: "json" };
import fullFs from "./listings/fs.json" with { type: "json" };
import fullHardware from "./listings/hardware.json" with { type: "json" };
import monApi from "./listings/monitoring-api/api.json" with { type: "json" };
import monEnv from "./listings/monitoring-api/env.json" with { type: "json" };
import monFile from "./listings/monitoring-api/file.json" with { type: "json" };
import monFs from "./listings/monitoring-api/fs.json" with { type: "json" };
import monHardware from "./listings/monitoring-api/hardware.json" with { type: "json" };
import monNetwork from "./listings/monitoring-api/network.json" with { type: "json" };
import monOs from "./listings/monitoring-api/os.json" with { type: "json" };
import fullNetwork from "./listings/network.json" with { type: "json" };
import fullOs from "./listings/os.json" with { type: "json" };
import fullTrace from "./listings/trace.json" with { type: "json" };

/** One parameter of a swagger 1.2 operation, as OSv's listings declare it. */
export interface SwaggerParameter {
  readonly name: string;
  readonly paramType: "path" | "query" | "body" | "form" | "header";
  readonly type: string;
  readonly required?: boolean;
  readonly allowMultiple?: boolean;
  readonly enum?: readonly string[];
  readonly description?: string;
}

export interface SwaggerOperation {
  readonly method: string;
  readonly nickname: string;
  readonly summary?: string;
  readonly notes?: string;
  readonly type: string;
  readonly items?: { readonly type?: string; readonly $ref?: string };
  readonly parameters?: readonly SwaggerParameter[];
  readonly produces?: readonly string[];
  readonly errorResponses?: readonly { readonly code: number; readonly reason: string }[];
}

export interface SwaggerModelProperty {
  readonly type?: string;
  readonly $ref?: string;
  readonly items?: { readonly type?: string; readonly $ref?: string };
  readonly enum?: readonly string[];
  readonly description?: string;
}

export interface SwaggerModel {
  readonly id: string;
  readonly description?: string;
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, SwaggerModelProperty>>;
}

export interface SwaggerListing {
  readonly apiVersion: string;
  readonly swaggerVersion: string;
  readonly basePath: string;
  readonly resourcePath: string;
  readonly apis: readonly { readonly path: string; readonly operations: readonly SwaggerOperation[] }[];
  readonly models?: Readonly<Record<string, SwaggerModel>>;
}

/** The API groups in the order OSv's /api-doc index lists them, with OSv's descriptions (typo included). */
export const LISTING_DESCRIPTIONS: Readonly<Record<string, string>> = {
  api: "Advanced API options",
  app: "app API",
  env: "Environment variables API",
  file: "file API",
  fs: "FS core API",
  hardware: "Hardware management API",
  network: "Hardware management API",
  os: "OS core API",
  trace: "Trace API",
};

const asListing = (value: unknown): SwaggerListing => value as SwaggerListing;

/** The full API (OSv's modules/httpserver-api listings, verbatim). */
export const FULL_LISTINGS: Readonly<Record<string, SwaggerListing>> = {
  api: asListing(fullApi),
  app: asListing(fullApp),
  env: asListing(fullEnv),
  file: asListing(fullFile),
  fs: asListing(fullFs),
  hardware: asListing(fullHardware),
  network: asListing(fullNetwork),
  os: asListing(fullOs),
  trace: asListing(fullTrace),
};

/** The read-only subset (OSv's modules/httpserver-monitoring-api listings, verbatim). */
export const MONITORING_LISTINGS: Readonly<Record<string, SwaggerListing>> = {
  api: asListing(monApi),
  env: asListing(monEnv),
  file: asListing(monFile),
  fs: asListing(monFs),
  hardware: asListing(monHardware),
  network: asListing(monNetwork),
  os: asListing(monOs),
};

export function listingsFor(options: { readOnly: boolean }): Readonly<Record<string, SwaggerListing>> {
  return options.readOnly ? MONITORING_LISTINGS : FULL_LISTINGS;
}

/** Every model of every listing by name; the listings never define one name twice. */
export function allModels(listings: Readonly<Record<string, SwaggerListing>>): Record<string, SwaggerModel> {
  const models: Record<string, SwaggerModel> = {};
  for (const listing of Object.values(listings)) Object.assign(models, listing.models ?? {});
  return models;
}

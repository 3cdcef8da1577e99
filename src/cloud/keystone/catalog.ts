import { MpmError } from "../../errors/mpm-error.ts";
import type { EndpointInterface } from "../config/cloud-config.ts";
import type { CatalogService } from "./keystone-token.ts";

/** Picks the image service's URL for the interface (and region, if given) from a token's catalogue. */
export function findImageEndpoint(
  catalog: readonly CatalogService[],
  wanted: { interface: EndpointInterface; region: string | undefined; cloud: string },
): string {
  const services = catalog.filter((service) => service.type === "image");
  const endpoints = services.flatMap((service) => service.endpoints);
  const match = endpoints.find(
    (e) =>
      e.interface === wanted.interface &&
      (wanted.region === undefined || (e.region_id ?? e.region) === wanted.region),
  );
  if (match) return match.url.replace(/\/+$/, "");
  const offered = endpoints.map((e) => `${e.interface}@${e.region_id ?? e.region ?? "-"}`);
  throw new MpmError(
    "MPM_E_CLOUD_NO_ENDPOINT",
    `cloud "${wanted.cloud}" has no ${wanted.interface} image endpoint${wanted.region ? ` in region ${wanted.region}` : ""}`,
    {
      hint: offered.length
        ? `the catalogue offers ${offered.join(", ")}; set interface/region_name in clouds.yaml`
        : "the catalogue has no image service; set image_endpoint_override to Glance's URL",
      details: { cloud: wanted.cloud },
    },
  );
}

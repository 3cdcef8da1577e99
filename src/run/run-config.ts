/**
 * Run-time overrides the guest /init applies over what the image stores. Handed to the guest as the
 * fw_cfg file opt/mpm/run.json; only the fields given are present.
 */
export interface RunConfig {
  readonly command?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly hostname?: string;
  readonly opts?: Readonly<Record<string, string>>;
}

export function buildRunConfig(input: {
  command: string | undefined;
  env: Readonly<Record<string, string>>;
  hostname: string | undefined;
  opts: Readonly<Record<string, string>>;
}): RunConfig {
  return {
    ...(input.command !== undefined ? { command: input.command } : {}),
    ...(Object.keys(input.env).length > 0 ? { env: { ...input.env } } : {}),
    ...(input.hostname !== undefined ? { hostname: input.hostname } : {}),
    ...(Object.keys(input.opts).length > 0 ? { opts: { ...input.opts } } : {}),
  };
}

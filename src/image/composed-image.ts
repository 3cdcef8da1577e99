/** Image formats that `mpm compose` writes. */
export type ImageFormat = "raw" | "qcow2" | "initrd" | "osv";

/**
 * What compose records beside every image it writes (`<image>.json`), so that `mpm run`, `mpm test` and
 * `mpm push` know how to boot and describe it without re-reading the package.
 */
export interface ComposedImage {
  /** Schema version of this record. */
  readonly schema: 1;
  readonly format: ImageFormat;
  /** The image file, absolute. */
  readonly path: string;
  /** The application package the image was composed for. */
  readonly package: { readonly name: string; readonly version: string };
  /** Every package in the image, dependencies first. */
  readonly packages: ReadonlyArray<{ readonly name: string; readonly version: string }>;
  /** The config set used (run.yaml), if any. */
  readonly bootConfig: string | undefined;
  /** The application's command line as stored in the image. */
  readonly command: string;
  /** Environment stored in the image. */
  readonly env: Readonly<Record<string, string>>;
  /** Kernel to pass with -kernel; set for the initrd format only (disk formats boot alone). */
  readonly kernel: string | undefined;
  /** Extra kernel command line for -append (initrd format only). */
  readonly kernelArgs: string | undefined;
  /** Guest memory in MiB that the image needs to boot (used when `mpm run` gets no -m). */
  readonly minMemoryMiB: number;
  /** Guest ports the application listens on, when the package declares them. */
  readonly ports: readonly number[];
  /** Size of the image file in bytes. */
  readonly sizeBytes: number;
  /** sha256 of the image file. */
  readonly sha256: string;
}

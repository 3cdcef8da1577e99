import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { MpmError } from "../errors/mpm-error.ts";
import type { ComposedImage } from "../image/composed-image.ts";

const FORMATS = new Set(["raw", "qcow2", "initrd", "osv"]);

/** Where the record of an image lives: `<image>.json` beside it (an argument may name either). */
export function recordPathFor(target: string): string {
  return target.endsWith(".json") ? target : `${target}.json`;
}

/** True when `target` names an image (a .json record, or a file with one beside it) rather than a package. */
export function isImageTarget(target: string): boolean {
  if (target.endsWith(".json")) return true;
  const path = resolve(target);
  return existsSync(recordPathFor(path)) && !(existsSync(path) && statSync(path).isDirectory());
}

/** Reads and checks an image record; every field `mpm run` relies on is verified with the field named. */
export function loadImageRecord(target: string): ComposedImage {
  const recordPath = recordPathFor(resolve(target));
  let text: string;
  try {
    text = readFileSync(recordPath, "utf8");
  } catch (cause) {
    throw new MpmError("MPM_E_IMAGE_NOT_FOUND", `no image record ${recordPath}`, {
      hint: "compose the image first with mpm compose, or give a package name or directory to compose it",
      cause,
    });
  }
  let record: Partial<ComposedImage>;
  try {
    record = JSON.parse(text) as Partial<ComposedImage>;
  } catch (cause) {
    throw recordError(recordPath, `is not valid JSON (${(cause as Error).message})`);
  }
  if (record === null || typeof record !== "object") throw recordError(recordPath, "is not a JSON object");
  if (!FORMATS.has(String(record.format)))
    throw recordError(recordPath, "field format: expected raw|qcow2|initrd|osv");
  if (typeof record.path !== "string") throw recordError(recordPath, "field path: expected the image file");
  if (record.format === "initrd" && typeof record.kernel !== "string") {
    throw recordError(recordPath, "field kernel: an initrd image needs a kernel");
  }
  if (!Number.isInteger(record.minMemoryMiB) || (record.minMemoryMiB ?? 0) < 16) {
    throw recordError(recordPath, "field minMemoryMiB: expected a whole number of MiB >= 16");
  }
  for (const file of [record.path, record.kernel]) {
    if (file !== undefined && !existsSync(file)) {
      throw new MpmError("MPM_E_IMAGE_NOT_FOUND", `${recordPath} names ${file}, which does not exist`, {
        hint: "recompose the image with mpm compose",
      });
    }
  }
  return record as ComposedImage;
}

function recordError(path: string, problem: string): MpmError {
  return new MpmError("MPM_E_IMAGE_RECORD", `image record ${path} ${problem}`, {
    hint: "recompose the image with mpm compose; records are written by compose, not by hand",
    details: { file: path },
  });
}

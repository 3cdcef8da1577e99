import { BASE_KINDS, type BaseRecord, currentBase } from "../base-store.ts";

export interface BaseListEntry {
  readonly kind: string;
  readonly dir: string;
  readonly record: BaseRecord;
}

/** `mpm base list`: the bases compose will use, one per kind (absent kinds are simply not listed). */
export async function runBaseList(options: { cacheDir?: string } = {}): Promise<BaseListEntry[]> {
  const out: BaseListEntry[] = [];
  for (const kind of BASE_KINDS) {
    const base = await currentBase(kind, options.cacheDir);
    if (base) out.push({ kind, ...base });
  }
  return out;
}

import { isMpmError } from "../../errors/mpm-error.ts";
import { fetchRemoteIndex, type RemotePackage } from "../remote-client.ts";
import { readRemotes } from "../remote-config.ts";

/** Fetches every configured remote's index in parallel; an unreachable remote becomes a warning. */
export async function fetchAllRemotes(
  root: string,
): Promise<{ packages: RemotePackage[]; warnings: string[] }> {
  const remotes = await readRemotes(root);
  const results = await Promise.allSettled(remotes.map((r) => fetchRemoteIndex(r)));
  const packages: RemotePackage[] = [];
  const warnings: string[] = [];
  for (const result of results) {
    if (result.status === "fulfilled") packages.push(...result.value);
    else if (isMpmError(result.reason)) warnings.push(`${result.reason.code}: ${result.reason.message}`);
    else throw result.reason;
  }
  return { packages, warnings };
}

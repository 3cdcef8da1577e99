import { createReadStream, type Stats } from "node:fs";
import {
  appendFile,
  chmod,
  cp,
  lstat,
  mkdir,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ApiError, badRequest, notFound } from "../http/api-error.ts";
import type { Handler, HandlerRequest } from "../http/handler.ts";
import { parseMultipart } from "../http/multipart.ts";
import { contentTypeFor, emptyReply, json, raw } from "../http/reply.ts";
import { parseBool } from "../http/router.ts";
import { FileRoot } from "../system/file-root.ts";
import { userNames } from "../system/user-names.ts";

const roots = new Map<string, FileRoot>();
const rootOf = (req: HandlerRequest): FileRoot => {
  let root = roots.get(req.ctx.fileRoot);
  if (!root) {
    root = new FileRoot(req.ctx.fileRoot);
    roots.set(req.ctx.fileRoot, root);
  }
  return root;
};

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** WebHDFS-style status of one entry, fields in the listing's order; `symlink` only for symlinks. */
async function fileStatus(host: string, suffix: string, st: Stats): Promise<Record<string, unknown>> {
  const names = userNames();
  const type = st.isSymbolicLink() ? "SYMLINK" : st.isDirectory() ? "DIRECTORY" : "FILE";
  const status: Record<string, unknown> = {
    accessTime: Math.floor(st.atimeMs / 1000),
    blockSize: st.blksize,
  };
  const group = names.groups.get(st.gid);
  if (group !== undefined) status["group"] = group;
  status["length"] = st.size;
  status["modificationTime"] = Math.floor(st.mtimeMs / 1000);
  const owner = names.users.get(st.uid);
  if (owner !== undefined) status["owner"] = owner;
  status["pathSuffix"] = suffix;
  status["permission"] = (st.mode & 0o777).toString(8);
  status["replication"] = st.nlink;
  if (type === "SYMLINK") status["symlink"] = await readlink(host);
  status["type"] = type;
  return status;
}

const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );

/** Expands `*` and `?` segment by segment, as OSv's LISTSTATUS does; returns API paths that exist. */
async function expandGlob(root: FileRoot, apiPath: string): Promise<string[]> {
  let current = ["/"];
  for (const segment of apiPath.split("/").filter((s) => s.length > 0)) {
    const next: string[] = [];
    for (const base of current) {
      const child = base === "/" ? `/${segment}` : `${base}/${segment}`;
      if (!/[*?]/.test(segment)) {
        next.push(child);
        continue;
      }
      const names = await readdir(root.resolve(base)).catch(() => [] as string[]);
      const re = globToRegExp(segment);
      for (const n of names) if (re.test(n)) next.push(base === "/" ? `/${n}` : `${base}/${n}`);
    }
    current = next;
  }
  return current;
}

async function listStatus(root: FileRoot, apiPath: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const targets = /[*?]/.test(apiPath) ? await expandGlob(root, apiPath) : [apiPath];
  for (const target of targets) {
    const host = root.resolve(target);
    const st = await stat(host).catch((e: unknown) => {
      throw errno(e) === "ENOENT"
        ? notFound(`Not found: '${target}'`)
        : badRequest(`Cannot list '${target}'`);
    });
    if (!st.isDirectory()) {
      out.push(await fileStatus(host, basename(host), await lstat(host)));
      continue;
    }
    // OSv lists . and .. too; the root's .. is the root itself so nothing outside is described.
    const parent = target === "/" ? host : root.resolve(dirname(target));
    out.push(await fileStatus(host, ".", st));
    out.push(await fileStatus(parent, "..", await stat(parent)));
    for (const name of (await readdir(host)).sort()) {
      const child = join(host, name);
      const cst = await lstat(child).catch(() => undefined);
      if (cst) out.push(await fileStatus(child, name, cst));
    }
  }
  return out;
}

async function getFile(req: HandlerRequest) {
  const root = rootOf(req);
  const apiPath = req.pathParams["path-par"] ?? "";
  const op = req.query.get("op");
  if (op === "LISTSTATUS") return json(await listStatus(root, apiPath));
  if (op === "GETFILESTATUS") {
    const host = root.resolveEntry(apiPath);
    const st = await lstat(host).catch((e: unknown) => {
      throw errno(e) === "ENOENT"
        ? notFound(`Not found: '${apiPath}'`)
        : badRequest(`Cannot stat '${apiPath}'`);
    });
    return json(await fileStatus(host, basename(host), st));
  }
  const host = root.resolve(apiPath);
  const st = await stat(host).catch(() => undefined);
  if (!st?.isFile()) throw notFound("Page not found");
  const offset = Number(req.query.get("offset") ?? 0) || 0;
  const lengthParam = req.query.get("length");
  // OSv ignores offset and length; honouring them costs nothing and is what the listing promises.
  const end = lengthParam ? offset + Math.max(0, Number(lengthParam)) - 1 : undefined;
  if (end !== undefined && end < offset) return raw(Buffer.alloc(0), contentTypeFor(host));
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(host, { start: offset, end })) chunks.push(chunk as Buffer);
  return raw(Buffer.concat(chunks), contentTypeFor(host));
}

async function delFile(req: HandlerRequest) {
  const root = rootOf(req);
  const apiPath = req.pathParams["path-par"] ?? "";
  const host = root.resolveEntry(apiPath);
  if (host === root.hostPath("/")) throw badRequest("Failed deleting /: the root cannot be deleted");
  const recursive = parseBool(req.query.get("recursive"));
  const st = await lstat(host).catch(() => undefined);
  if (!st) throw badRequest(`Failed deleting ${apiPath}: no such file or directory`);
  try {
    if (st.isDirectory()) await rm(host, { recursive, force: false });
    else await rm(host);
  } catch (e) {
    throw badRequest(`Failed deleting ${apiPath}: ${errno(e) ?? (e as Error).message}`);
  }
  return emptyReply;
}

const permissionOf = (req: HandlerRequest): number => {
  const p = req.query.get("permission") ?? "777";
  if (!/^[0-7]{1,4}$/.test(p)) throw badRequest(`Bad permission parameter ${p}`);
  return Number.parseInt(p, 8);
};

async function putFile(req: HandlerRequest) {
  const root = rootOf(req);
  const apiPath = req.pathParams["path-par"] ?? "";
  const op = req.query.get("op");
  const mode = permissionOf(req);
  if (op === "MKDIRS") {
    const host = root.resolve(apiPath);
    await mkdir(host, { recursive: true });
    await chmod(host, mode);
    return emptyReply;
  }
  if (op === "WRITE") {
    const host = root.resolve(apiPath);
    const content = req.query.get("content") ?? "";
    if (parseBool(req.query.get("overwrite"))) await writeFile(host, content);
    else await appendFile(host, content);
    await chmod(host, mode);
    return emptyReply;
  }
  const destination = req.query.get("destination");
  if (!destination) throw badRequest("Missing mandatory parameter: destination");
  const target = root.resolveEntry(destination);
  if (op === "RENAME") {
    await rename(root.resolveEntry(apiPath), target).catch((e: unknown) => {
      throw errno(e) === "ENOENT"
        ? notFound(`Not found: '${apiPath}'`)
        : badRequest(`Cannot rename '${apiPath}'`);
    });
  } else {
    // COPY: symlinks inside the copy are copied as links (verbatimSymlinks), never followed out of the root.
    await cp(root.resolve(apiPath), target, { recursive: true, verbatimSymlinks: true }).catch(
      (e: unknown) => {
        throw errno(e) === "ENOENT"
          ? notFound(`Not found: '${apiPath}'`)
          : badRequest(`Cannot copy '${apiPath}'`);
      },
    );
  }
  await chmod(target, mode);
  return emptyReply;
}

async function upload(req: HandlerRequest) {
  const root = rootOf(req);
  const apiPath = req.pathParams["path-par"] ?? "";
  const host = root.resolve(apiPath);
  const part = parseMultipart(String(req.headers["content-type"] ?? ""), req.body)[0];
  if (!part) throw new ApiError(400, "Upload has no file part");
  // Written beside the target then renamed, so a reader never sees half a file.
  const tmp = join(dirname(host), `.upload.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, part.data);
  await rename(tmp, host);
  return emptyReply;
}

export const fileHandlers: Readonly<Record<string, Handler>> = { getFile, delFile, putFile, upload };

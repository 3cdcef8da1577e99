/** What a handler answers: a JSON value, raw bytes with a content type, or an empty body. */
export type Reply =
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "raw"; readonly body: Buffer; readonly contentType: string }
  | { readonly kind: "empty" };

export const json = (value: unknown): Reply => ({ kind: "json", value });
/** OSv answers void operations with the two-byte JSON string `""`. */
export const voidReply: Reply = { kind: "json", value: "" };
export const emptyReply: Reply = { kind: "empty" };
export const raw = (body: Buffer, contentType: string): Reply => ({ kind: "raw", body, contentType });

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  gif: "image/gif",
  htm: "text/html",
  html: "text/html",
  css: "text/css",
  js: "text/javascript",
  jpg: "image/jpeg",
  png: "image/png",
  txt: "text/plain",
  ico: "image/x-icon",
  bin: "application/octet-stream",
  json: "application/json",
};

/** Content type by file extension, as OSv's reply layer picks it; anything else is text/plain. */
export function contentTypeFor(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  const ext = dot < 0 ? "" : fileName.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "text/plain";
}

/** Serialises a reply body. Strings and numbers are bare JSON values, as OSv's formatter writes them. */
export function encodeReply(reply: Reply): { body: Buffer; contentType: string | undefined } {
  if (reply.kind === "empty") return { body: Buffer.alloc(0), contentType: undefined };
  if (reply.kind === "raw") return { body: reply.body, contentType: reply.contentType };
  return { body: Buffer.from(JSON.stringify(reply.value) ?? '""'), contentType: "application/json" };
}

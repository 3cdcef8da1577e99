import { ApiError } from "./api-error.ts";

export interface FormPart {
  readonly name: string;
  readonly filename: string | undefined;
  readonly data: Buffer;
}

/** Parses a multipart/form-data body (as curl -F sends it) into its parts. */
export function parseMultipart(contentType: string | undefined, body: Buffer): FormPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary || !/^multipart\/form-data/i.test(contentType ?? "")) {
    throw new ApiError(400, "Expected a multipart/form-data body");
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new ApiError(400, "Bad multipart body: no boundary");
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === "--") break;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    const next = body.indexOf(delimiter, headerEnd);
    if (headerEnd < 0 || next < 0) throw new ApiError(400, "Bad multipart body: unterminated part");
    const headers = body.subarray(pos, headerEnd).toString("utf8");
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? "";
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? "",
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      data: body.subarray(headerEnd + 4, next - 2),
    });
    pos = next;
  }
  return parts;
}

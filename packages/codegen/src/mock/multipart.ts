/** One part of a multipart/form-data body (RFC 7578). */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  /** The part's content as text (a file part's bytes as the server decoded them). */
  text: string;
}

/**
 * The parts of a multipart body, or a reason it is not one: the content type must carry a
 * `boundary`, the body must open with `--boundary`, close with `--boundary--`, and every part
 * must name its field in `Content-Disposition: form-data; name="…"`. A `repr()` of a dict sent
 * as `multipart/form-data` is refused (issue 19).
 */
export function parseMultipart(
  contentType: string,
  body: string,
): { parts: MultipartPart[] } | { problem: string } {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) return { problem: "multipart body without a boundary in its content type" };
  const delimiter = `--${mark}`;
  const start = body.indexOf(delimiter);
  const end = body.lastIndexOf(`${delimiter}--`);
  if (start !== 0 && !body.startsWith(`\r\n${delimiter}`))
    return { problem: `multipart body does not start with ${delimiter}` };
  if (end < 0) return { problem: `multipart body does not end with ${delimiter}--` };
  const parts: MultipartPart[] = [];
  // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), not to the part.
  const inner = end > start ? body.slice(start + delimiter.length, end).replace(/\r\n$/, "") : "";
  // `--b--` alone is a form with no fields.
  const chunks = inner === "" ? [] : inner.split(`\r\n${delimiter}`);
  for (const chunk of chunks) {
    const raw = chunk.replace(/^\r\n/, "");
    const split = raw.indexOf("\r\n\r\n");
    if (split < 0) return { problem: "multipart part without a blank line after its headers" };
    const headers = new Map<string, string>();
    for (const line of raw.slice(0, split).split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get("content-disposition") ?? "";
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (!/^form-data\b/i.test(disposition) || name === undefined)
      return { problem: 'multipart part without Content-Disposition: form-data; name="…"' };
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    const type = headers.get("content-type");
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(type !== undefined ? { contentType: type } : {}),
      text: raw.slice(split + 4),
    });
  }
  return { parts };
}

/**
 * The form a multipart body describes, for validation against its schema: text parts as text
 * (JSON parts parsed), file parts as their content text, a field repeated as an array.
 */
export function multipartValue(parts: readonly MultipartPart[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    let value: unknown = part.text;
    if (part.filename === undefined && part.contentType && /json/i.test(part.contentType)) {
      try {
        value = JSON.parse(part.text);
      } catch {}
    }
    const previous = out[part.name];
    out[part.name] =
      previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

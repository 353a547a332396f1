import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { isJsonContentType } from "../http/body";

/**
 * Collects up to `limit` bytes of a body as it streams past, and counts the rest, so a capture
 * never holds more than its bound however large the body is.
 */
export class BoundedBytes {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  /** Every byte seen, kept or not. */
  total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    this.total += bytes.byteLength;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    // Copy: the caller may reuse its buffer (undici pools them).
    const piece = Buffer.from(bytes.subarray(0, room));
    this.chunks.push(piece);
    this.kept += piece.byteLength;
  }

  get full(): boolean {
    return this.kept >= this.limit;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Header names lower-cased, multiple values joined as HTTP joins them (`, `). */
export function headerRecord(
  entries: Iterable<readonly [string, string | readonly string[] | undefined]>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = typeof value === "string" ? value : value.join(", ");
    result[lower] = result[lower] === undefined ? text : `${result[lower]}, ${text}`;
  }
  return result;
}

const TEXTUAL =
  /^(?:text\/|application\/(?:[\w.-]+\+)?(?:json|xml|x-www-form-urlencoded|javascript|graphql|x-ndjson)\b)/i;

/**
 * Turns captured bytes into what a trace stores: parsed JSON when the content type says JSON,
 * else text; a compressed body is inflated when it was captured whole; a truncated text is cut
 * back to the last separator (a half-kept email or card number would slip past the detectors)
 * and marked; binary bodies become a short description.
 */
export function decodeBody(
  captured: BoundedBytes,
  headers: Record<string, string>,
  limit: number,
  alreadyDecoded = false,
): unknown {
  if (captured.total === 0) return undefined;
  const contentType = headers["content-type"] ?? null;
  let bytes = captured.bytes();
  const truncated = captured.truncated;
  const encoding = headers["content-encoding"]?.toLowerCase().trim();
  if (!alreadyDecoded && encoding !== undefined && encoding !== "identity") {
    // A cut compressed body cannot be inflated, nor one that inflates past the bound.
    const inflated = truncated ? undefined : inflate(encoding, bytes, limit);
    if (inflated === undefined) return `[${encoding} body, ${captured.total} bytes, not decoded]`;
    bytes = inflated;
  }
  if (contentType !== null && !TEXTUAL.test(contentType)) {
    return `[${contentType.split(";")[0]?.trim()} body, ${captured.total} bytes]`;
  }
  const text = bytes.toString("utf8");
  if (truncated) return `${cutAtSeparator(text)}… [truncated at ${limit} bytes]`;
  if (isJsonContentType(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function inflate(encoding: string, bytes: Buffer, limit: number): Buffer | undefined {
  const options = { maxOutputLength: limit };
  try {
    if (encoding === "gzip" || encoding === "x-gzip") return gunzipSync(bytes, options);
    if (encoding === "deflate") return inflateSync(bytes, options);
    if (encoding === "br") return brotliDecompressSync(bytes, options);
  } catch {
    // Corrupt, or larger than the bound once inflated (ERR_BUFFER_TOO_LARGE).
  }
  return undefined;
}

const SEPARATORS = new Set([..." \t\r\n,;:\"'<>{}[]()&="]);

/** Cuts a truncated text back to its last separator, dropping the partial token at the cut. */
function cutAtSeparator(text: string): string {
  let kept = "";
  for (let index = text.length - 1; index >= 0; index -= 1) {
    if (SEPARATORS.has(text[index] ?? "")) {
      kept = text.slice(0, index + 1);
      break;
    }
  }
  // A card, IBAN or phone number is written in groups: a cut one ends the text as a run of
  // digit groups, which the detectors (needing the whole number) would miss. Drop such a run.
  const tail = /[A-Za-z0-9+(). -]*$/.exec(kept)?.[0] ?? "";
  return tail.replace(/\D/g, "").length >= 6 ? kept.slice(0, kept.length - tail.length) : kept;
}

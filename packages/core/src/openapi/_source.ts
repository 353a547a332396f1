import { existsSync, readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { OpenApiError, type SourceLocation } from "./errors";
import { parsePointer } from "./pointer";

/** A parsed source: its value and, for text, a lazy way to find a pointer's line. */
export interface ParsedSource {
  value: unknown;
  file?: string;
  text?: string;
}

/** Whether a string input names a file rather than holding the document's text. */
export function looksLikeText(input: string): boolean {
  const trimmed = input.trimStart();
  return trimmed.startsWith("{") || trimmed.startsWith("[") || input.includes("\n");
}

/** Reads and parses one file (JSON or YAML by content). */
export function readSourceFile(file: string): ParsedSource {
  if (/^https?:\/\//i.test(file)) {
    throw new OpenApiError(`remote documents are not fetched ("${file}"): download it and pass the file`);
  }
  if (!existsSync(file)) throw new OpenApiError(`file not found: ${file}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new OpenApiError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  text = withoutByteOrderMark(text);
  return { value: parseText(text, file), file, text };
}

/**
 * The text without a leading UTF-8 byte-order mark, which editors on Windows write and which
 * `JSON.parse` refuses (RFC 8259 §8.1 lets a parser ignore it; issue 19).
 */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON (fast path) or YAML text; syntax errors carry their line. */
export function parseText(source: string, file?: string): unknown {
  const text = withoutByteOrderMark(source);
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch {
      // Not strict JSON: YAML is a superset and reports the line of the problem.
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new OpenApiError(`cannot parse: ${error.message.split("\n")[0]}`, {
      ...(pos ? { location: { ...(file ? { file } : {}), line: pos.line, column: pos.col } } : {}),
      cause: error,
    });
  }
  return doc.toJS({ maxAliasCount: -1 });
}

/**
 * The line and column of a JSON pointer in a source text. Parses the text again with positions,
 * which is slow on big files, so it only runs when an error is reported.
 */
export function locatePointer(source: ParsedSource, pointer: string): SourceLocation | undefined {
  if (source.text === undefined) return undefined;
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, uniqueKeys: false });
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0];
  for (const segment of parsePointer(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return undefined;
  const pos = lineCounter.linePos(offset);
  return { ...(source.file ? { file: source.file } : {}), line: pos.line, column: pos.col };
}

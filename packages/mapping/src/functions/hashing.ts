import { sha256 as sha256Digest } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { validate as isUuid, v5 as uuidV5 } from "uuid";
import { conversionError, isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

/** `$sha256(text)`: the lower-case hex SHA-256 of a string's UTF-8 bytes. */
export const sha256: LibraryFunction = {
  name: "sha256",
  signature: "<j?:s>",
  doc: "The lower-case hex SHA-256 of a string's UTF-8 bytes (numbers and booleans are hashed as their text). Pure JavaScript, so it runs in browsers too.",
  implementation: (value: unknown): string | undefined => {
    if (isMissing(value)) return undefined;
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw conversionError("sha256", value, "not a scalar");
    }
    return bytesToHex(sha256Digest(utf8ToBytes(String(value))));
  },
  examples: [
    { expr: '$sha256("abc")', output: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
  ],
};

// RFC 4122 §4.3 well-known namespaces, so rules can say "dns" instead of a UUID.
const NAMESPACES: Record<string, string> = {
  dns: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  url: "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
  oid: "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
  x500: "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
};

/** `$uuid_v5(name, namespace)`: a deterministic UUID (RFC 4122 version 5). */
export const uuidv5: LibraryFunction = {
  name: "uuid_v5",
  signature: "<j?s:s>",
  doc: 'A deterministic name-based UUID (RFC 4122 v5) of a name in a namespace: a UUID or one of "dns", "url", "oid", "x500".',
  implementation: (value: unknown, namespace: string): string | undefined => {
    if (isMissing(value)) return undefined;
    const resolved = NAMESPACES[namespace] ?? namespace;
    if (!isUuid(resolved)) throw conversionError("uuid_v5", namespace, "namespace is not a UUID");
    if (typeof value !== "string" && typeof value !== "number") {
      throw conversionError("uuid_v5", value, "not a string or number");
    }
    return uuidV5(String(value), resolved);
  },
  examples: [
    { expr: '$uuid_v5("www.example.com", "dns")', output: "2ed6657d-e927-568b-95e1-2665a8aea6a2" },
    { expr: '$uuid_v5(id, "ns")', input: { id: 1 }, throws: 'uuid_v5 got "ns" (namespace is not a UUID)' },
  ],
};

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { StoreError, ValidationError } from "../errors";

/**
 * Payload encryption at rest: what a store keeps of records and results (run batches' records,
 * idempotency records' results, dead letters' records) can pass through a {@link PayloadCodec}
 * before it is written. {@link aesGcmPayloadCodec} encrypts with AES-256-GCM under keys from a
 * {@link KeyProvider}; each ciphertext names its key, so keys rotate without rewriting data.
 */

/** A 256-bit key and the id stored with every ciphertext made with it. */
export interface PayloadKey {
  /** Letters, digits, `.`, `_` and `-`; at most 64 characters. */
  id: string;
  /** Exactly 32 bytes. */
  key: Uint8Array;
}

/**
 * The port a host implements to hand payload keys to the runtime (an env variable, a KMS, a
 * vault). `currentKey` encrypts new payloads; `keyById` finds older keys to read old ones.
 */
export interface KeyProvider {
  /** The key new payloads are encrypted with. */
  currentKey(): PayloadKey | Promise<PayloadKey>;
  /** The key with this id, or `undefined` when it is unknown (retired for good). */
  keyById(id: string): PayloadKey | undefined | Promise<PayloadKey | undefined>;
}

/** Turns a stored payload into its at-rest form and back; built by {@link aesGcmPayloadCodec}. */
export interface PayloadCodec {
  /** The at-rest form of a JSON value (`undefined` stays `undefined`). */
  encode(value: unknown): Promise<unknown>;
  /** The value of an at-rest form; a value that was never encoded (written before the codec) comes back as it is. */
  decode(stored: unknown): Promise<unknown>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** The at-rest form: `synapseops:aes256gcm:<keyId>:<iv>.<tag>.<ciphertext>` (base64url parts). */
const PREFIX = "synapseops:aes256gcm:";

function checkKey(key: PayloadKey, where: string): PayloadKey {
  if (!KEY_ID.test(key.id)) {
    throw new ValidationError(`payload key id ${JSON.stringify(key.id)}: use 1–64 of A–Z a–z 0–9 . _ -`, {
      path: where,
    });
  }
  if (key.key.byteLength !== 32) {
    throw new ValidationError(
      `payload key "${key.id}" has ${key.key.byteLength} bytes; AES-256 needs 32 (openssl rand -base64 32)`,
      { path: where },
    );
  }
  return key;
}

/**
 * A key provider over a fixed list: the first key is current, the others only decrypt (keys
 * being rotated out).
 * @throws ValidationError (`INVALID_INPUT`) for an empty list, a bad id, a key that is not 32
 * bytes or a repeated id.
 * @example staticKeyProvider([{ id: "2025-06", key }, { id: "2025-01", key: oldKey }])
 */
export function staticKeyProvider(keys: readonly PayloadKey[]): KeyProvider {
  if (keys.length === 0) throw new ValidationError("a payload key provider needs at least one key");
  const byId = new Map<string, PayloadKey>();
  keys.forEach((key, index) => {
    checkKey(key, `/${index}`);
    if (byId.has(key.id)) throw new ValidationError(`payload key id "${key.id}" is listed twice`);
    byId.set(key.id, { id: key.id, key: Uint8Array.from(key.key) });
  });
  const current = byId.get(keys[0]!.id)!;
  return { currentKey: () => current, keyById: (id) => byId.get(id) };
}

/** Options of {@link envKeyProvider}. */
export interface EnvKeyProviderOptions {
  /**
   * The variable holding the keys: comma-separated `id:base64key` entries, the current key first
   * (`2025-06:q1w2…,2025-01:z9x8…`). A key is 32 random bytes, base64 (`openssl rand -base64 32`).
   * @default "SYNAPSEOPS_PAYLOAD_KEYS"
   */
  variable?: string;
  /** Where variables are read. @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * The default {@link KeyProvider}: keys from an environment variable, read once.
 * @throws ValidationError (`INVALID_INPUT`, path = the variable) when it is missing or malformed.
 * @example
 * ```ts
 * // SYNAPSEOPS_PAYLOAD_KEYS="2025-06:<new key>,2025-01:<old key>"
 * createRuntime({ store, payloadCodec: aesGcmPayloadCodec({ keys: envKeyProvider() }) });
 * ```
 */
export function envKeyProvider(options: EnvKeyProviderOptions = {}): KeyProvider {
  const variable = options.variable ?? "SYNAPSEOPS_PAYLOAD_KEYS";
  const value = (options.env ?? process.env)[variable];
  if (value === undefined || value.trim() === "") {
    throw new ValidationError(`${variable} is not set: expected "id:base64key[,id:base64key…]"`, {
      path: variable,
    });
  }
  const keys = value.split(",").map((entry, index): PayloadKey => {
    const colon = entry.indexOf(":");
    if (colon <= 0) {
      throw new ValidationError(`${variable} entry ${index + 1} is not "id:base64key"`, { path: variable });
    }
    return { id: entry.slice(0, colon).trim(), key: Buffer.from(entry.slice(colon + 1).trim(), "base64") };
  });
  try {
    return staticKeyProvider(keys);
  } catch (error) {
    // The message names the key id and size, never the key.
    throw new ValidationError(`${variable}: ${(error as Error).message}`, { path: variable });
  }
}

/** Options of {@link aesGcmPayloadCodec}. */
export interface AesGcmPayloadCodecOptions {
  /** Where the keys come from. */
  keys: KeyProvider;
}

/**
 * A {@link PayloadCodec} that encrypts each payload (its JSON text) with AES-256-GCM under the
 * provider's current key, a fresh 96-bit IV each time; the key id is stored with the ciphertext
 * so any key the provider still knows decrypts it. A tampered ciphertext or an unknown key id
 * fails to decode with a `StoreError`.
 * @example aesGcmPayloadCodec({ keys: envKeyProvider() })
 */
export function aesGcmPayloadCodec(options: AesGcmPayloadCodecOptions): PayloadCodec {
  const { keys } = options;
  return {
    async encode(value) {
      if (value === undefined) return undefined;
      const key = checkKey(await keys.currentKey(), "currentKey()");
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key.key, iv);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
      return `${PREFIX}${key.id}:${parts.join(".")}`;
    },
    async decode(stored) {
      if (typeof stored !== "string" || !stored.startsWith(PREFIX)) return stored;
      const colon = stored.indexOf(":", PREFIX.length);
      const id = stored.slice(PREFIX.length, colon);
      const [iv, tag, ciphertext] = stored
        .slice(colon + 1)
        .split(".")
        .map((part) => Buffer.from(part, "base64url"));
      const key = colon === -1 ? undefined : await keys.keyById(id);
      if (key === undefined) {
        throw new StoreError(
          `a stored payload is encrypted with key "${id}", which the key provider does not know`,
        );
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key.key, iv ?? Buffer.alloc(0));
        decipher.setAuthTag(tag ?? Buffer.alloc(0));
        const text = Buffer.concat([decipher.update(ciphertext ?? Buffer.alloc(0)), decipher.final()]);
        return JSON.parse(text.toString("utf8"));
      } catch (error) {
        throw new StoreError(
          `a stored payload encrypted with key "${id}" does not decrypt (altered or wrong key)`,
          {
            cause: error,
          },
        );
      }
    },
  };
}

/** Whether a stored value is an encrypted payload (for tests and migrations). */
export function isEncryptedPayload(stored: unknown): boolean {
  return typeof stored === "string" && stored.startsWith(PREFIX);
}

import { StoreError } from "../errors";
import { aesGcmPayloadCodec, type KeyProvider } from "../store/payload-codec";
import type { ConnectionCredentials } from "./connection";

/**
 * Seals a connection's credentials for the store with the payload codec of issue 16
 * (AES-256-GCM, a fresh IV each time, the key id stored with the ciphertext), so a connection
 * uses the same {@link KeyProvider} — and the same rotation — as payloads. Every value it opens
 * or seals is handed to `onSecret` so the runtime's redactor masks it everywhere.
 */
export interface CredentialBox {
  seal(credentials: ConnectionCredentials): Promise<string>;
  open(sealed: string): Promise<ConnectionCredentials>;
  /** The key id a sealed value was made with (to find those a rotation must re-seal). */
  keyIdOf(sealed: string): string | undefined;
  /** The key new values are sealed with. */
  currentKeyId(): Promise<string>;
}

/** The at-rest prefix of the codec (`synapseops:aes256gcm:<keyId>:…`). */
const PREFIX = "synapseops:aes256gcm:";

/** A {@link CredentialBox} under `keys`; `onSecret` hears every token, key and password. */
export function credentialBox(keys: KeyProvider, onSecret: (value: string) => void): CredentialBox {
  const codec = aesGcmPayloadCodec({ keys });
  const register = (credentials: ConnectionCredentials): void => {
    for (const value of [
      credentials.accessToken,
      credentials.refreshToken,
      credentials.apiKey,
      credentials.password,
      credentials.clientSecret,
    ]) {
      if (value !== undefined) onSecret(value);
    }
  };
  return {
    async seal(credentials) {
      register(credentials);
      const sealed = await codec.encode(credentials);
      if (typeof sealed !== "string") throw new StoreError("credentials did not encrypt");
      return sealed;
    },
    async open(sealed) {
      if (!sealed.startsWith(PREFIX)) {
        // Never accept plaintext credentials from the store: a row that is not ciphertext was
        // written by something else.
        throw new StoreError("stored connection credentials are not encrypted");
      }
      const credentials = (await codec.decode(sealed)) as ConnectionCredentials;
      register(credentials);
      return credentials;
    },
    keyIdOf(sealed) {
      if (!sealed.startsWith(PREFIX)) return undefined;
      const end = sealed.indexOf(":", PREFIX.length);
      return end === -1 ? undefined : sealed.slice(PREFIX.length, end);
    },
    async currentKeyId() {
      return (await keys.currentKey()).id;
    },
  };
}

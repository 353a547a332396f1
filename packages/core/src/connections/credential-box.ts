import { StoreError } from "../errors";
import type { SecretRegistry } from "../runs/observe/redactor";
import { aesGcmPayloadCodec, type KeyProvider } from "../store/payload-codec";
import type { ConnectionCredentials } from "./connection";

/**
 * Seals a connection's credentials for the store with the payload codec of issue 16
 * (AES-256-GCM, a fresh IV each time, the key id stored with the ciphertext), so a connection
 * uses the same {@link KeyProvider} — and the same rotation — as payloads. Every value it opens
 * or seals is handed to the runtime's redactor so it is masked everywhere: a connection's values
 * as the current ones of its slot (replacing the ones before, so memory stays bounded however
 * often tokens rotate), others (a PKCE verifier) as loose values.
 */
export interface CredentialBox {
  /** `connectionId`: the connection the credentials are of (their redaction slot). */
  seal(credentials: ConnectionCredentials, connectionId?: string): Promise<string>;
  open(sealed: string, connectionId?: string): Promise<ConnectionCredentials>;
  /** The key id a sealed value was made with (to find those a rotation must re-seal). */
  keyIdOf(sealed: string): string | undefined;
  /** The key new values are sealed with. */
  currentKeyId(): Promise<string>;
}

/** The at-rest prefix of the codec (`synapseops:aes256gcm:<keyId>:…`). */
const PREFIX = "synapseops:aes256gcm:";

/** The redaction slot of a connection's credentials. */
export function connectionSecretSlot(connectionId: string): string {
  return `connection:${connectionId}`;
}

/** A {@link CredentialBox} under `keys`; `secrets` hears every token, key and password. */
export function credentialBox(
  keys: KeyProvider,
  secrets: Pick<SecretRegistry, "addSecret" | "replaceSecrets">,
): CredentialBox {
  const codec = aesGcmPayloadCodec({ keys });
  const register = (credentials: ConnectionCredentials, connectionId: string | undefined): void => {
    const values = [
      credentials.accessToken,
      credentials.refreshToken,
      credentials.apiKey,
      credentials.password,
      credentials.clientSecret,
    ].filter((value): value is string => value !== undefined);
    if (connectionId !== undefined) secrets.replaceSecrets(connectionSecretSlot(connectionId), values);
    else for (const value of values) secrets.addSecret(value);
  };
  return {
    async seal(credentials, connectionId) {
      register(credentials, connectionId);
      const sealed = await codec.encode(credentials);
      if (typeof sealed !== "string") throw new StoreError("credentials did not encrypt");
      return sealed;
    },
    async open(sealed, connectionId) {
      if (!sealed.startsWith(PREFIX)) {
        // Never accept plaintext credentials from the store: a row that is not ciphertext was
        // written by something else.
        throw new StoreError("stored connection credentials are not encrypted");
      }
      const credentials = (await codec.decode(sealed)) as ConnectionCredentials;
      register(credentials, connectionId);
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

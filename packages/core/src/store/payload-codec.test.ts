import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { StoreError, ValidationError } from "../errors";
import {
  aesGcmPayloadCodec,
  envKeyProvider,
  isEncryptedPayload,
  type PayloadKey,
  staticKeyProvider,
} from "./payload-codec";

// issue 16: records and results at rest are encrypted under a host key that can rotate.
const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const RECORD = { card: "4111 1111 1111 1111", email: "jane@example.com", n: [1, null, true] };

describe("aesGcmPayloadCodec", () => {
  it("round-trips JSON values and leaves no plaintext in the stored form", async () => {
    const codec = aesGcmPayloadCodec({ keys: staticKeyProvider([key("k1")]) });
    const stored = await codec.encode(RECORD);
    expect(isEncryptedPayload(stored)).toBe(true);
    expect(String(stored)).not.toContain("4111");
    expect(String(stored)).not.toContain("jane");
    expect(String(stored)).toMatch(/^synapseops:aes256gcm:k1:/);
    expect(await codec.decode(stored)).toEqual(RECORD);
    // A fresh IV each time: equal records do not give equal ciphertexts.
    expect(await codec.encode(RECORD)).not.toBe(stored);
    expect(await codec.encode(undefined)).toBeUndefined();
  });

  it("passes values written before the codec through", async () => {
    const codec = aesGcmPayloadCodec({ keys: staticKeyProvider([key("k1")]) });
    expect(await codec.decode({ plain: 1 })).toEqual({ plain: 1 });
    expect(await codec.decode("text")).toBe("text");
  });

  it("rotates keys: old ciphertexts decrypt while the new key encrypts", async () => {
    const k1 = key("2025-01");
    const k2 = key("2025-06");
    const before = aesGcmPayloadCodec({ keys: staticKeyProvider([k1]) });
    const after = aesGcmPayloadCodec({ keys: staticKeyProvider([k2, k1]) });
    const old = await before.encode(RECORD);
    expect(await after.decode(old)).toEqual(RECORD);
    expect(String(await after.encode(RECORD))).toMatch(/^synapseops:aes256gcm:2025-06:/);
    const retired = aesGcmPayloadCodec({ keys: staticKeyProvider([k2]) });
    await expect(retired.decode(old)).rejects.toBeInstanceOf(StoreError);
  });

  it("refuses altered ciphertexts and wrong keys with a StoreError", async () => {
    const k1 = key("k1");
    const codec = aesGcmPayloadCodec({ keys: staticKeyProvider([k1]) });
    const stored = String(await codec.encode(RECORD));
    const last = stored.at(-2) === "A" ? "B" : "A";
    const altered = `${stored.slice(0, -2)}${last}${stored.at(-1)}`;
    await expect(codec.decode(altered)).rejects.toBeInstanceOf(StoreError);
    const impostor = aesGcmPayloadCodec({ keys: staticKeyProvider([key("k1")]) });
    await expect(impostor.decode(stored)).rejects.toThrow(/does not decrypt/);
  });
});

describe("envKeyProvider", () => {
  it("reads id:base64 entries, the first current", async () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const provider = envKeyProvider({
      env: { SYNAPSEOPS_PAYLOAD_KEYS: `new:${a.toString("base64")}, old:${b.toString("base64")}` },
    });
    expect((await provider.currentKey()).id).toBe("new");
    expect(Buffer.from((await provider.keyById("old"))!.key)).toEqual(b);
    expect(await provider.keyById("gone")).toBeUndefined();
  });

  it("refuses a missing variable, a short key, a bad id or a repeated id without echoing the key", () => {
    const short = randomBytes(16).toString("base64");
    const good = randomBytes(32).toString("base64");
    expect(() => envKeyProvider({ env: {} })).toThrow(ValidationError);
    expect(() => envKeyProvider({ env: { K: `k:${short}` }, variable: "K" })).toThrow(/16 bytes/);
    expect(() => envKeyProvider({ env: { K: `k:${short}` }, variable: "K" })).not.toThrow(short);
    expect(() => envKeyProvider({ env: { K: good }, variable: "K" })).toThrow(/id:base64key/);
    expect(() => envKeyProvider({ env: { K: `a b:${good}` }, variable: "K" })).toThrow(/key id/);
    expect(() => envKeyProvider({ env: { K: `a:${good},a:${good}` }, variable: "K" })).toThrow(/twice/);
  });
});

import { describe, expect, it } from "vitest";
import {
  HIDDEN_CONFIG_SECRET as HIDDEN,
  hideConfigSecrets,
  parseSecretField,
  restoreConfigSecrets,
} from "./config-secrets";

const fields = [parseSecretField("/target", "test"), parseSecretField("/mirrors/*", "test")];

describe("hideConfigSecrets", () => {
  it("hides declared fields, credential-named keys and URL credentials, nothing else", () => {
    const config = {
      target: "https://hooks.example/T0/B0/abc",
      mirrors: ["https://a.example/x", "https://b.example/y"],
      nested: { clientSecret: "s3cret", note: "plain", empty: null },
      dsn: "postgres://app:pw@db:5432/shop",
      lone: "https://ghp_token123@github.com/acme/repo.git",
      feed: "https://feed.example/rss?access_token=t0k&page=2#top",
      fn: "https://fn.azurewebsites.net/api/run?code=k3y",
      plain: "https://api.example.com/v1?region=eu",
      text: "not a url, token=abc",
      retries: 3,
    };
    expect(hideConfigSecrets(config, fields)).toEqual({
      target: HIDDEN,
      mirrors: [HIDDEN, HIDDEN],
      nested: { clientSecret: HIDDEN, note: "plain", empty: null },
      dsn: HIDDEN,
      lone: `https://${HIDDEN}@github.com/acme/repo.git`,
      feed: `https://feed.example/rss?access_token=${HIDDEN}&page=2#top`,
      fn: `https://fn.azurewebsites.net/api/run?code=${HIDDEN}`,
      plain: "https://api.example.com/v1?region=eu",
      text: "not a url, token=abc",
      retries: 3,
    });
  });
});

describe("restoreConfigSecrets", () => {
  const stored = {
    target: "https://hooks.example/T0/B0/abc",
    url: "https://user:pw@api.example.com/v1",
    auth: { password: "pw" },
  };

  it("maps what was shown back to the stored values, and takes new values as they are", () => {
    const shown = hideConfigSecrets(stored, fields);
    expect(restoreConfigSecrets(shown, stored, fields)).toEqual(stored);
    const changed = { ...shown, url: "https://api.example.com/v2", auth: { password: "rotated" } };
    expect(restoreConfigSecrets(changed, stored, fields)).toEqual({ ...changed, target: stored.target });
  });

  it("leaves out a bare marker with nothing stored behind it", () => {
    expect(restoreConfigSecrets({ target: HIDDEN, channel: "x" }, undefined, fields)).toEqual({
      channel: "x",
    });
  });

  it("refuses a marker it cannot map back, with the field's pointer", () => {
    const moved = { url: `https://${HIDDEN}@evil.example/v1` };
    expect(() => restoreConfigSecrets(moved, stored, fields)).toThrow(
      expect.objectContaining({ code: "CONNECTOR_INVALID", path: "/config/url" }),
    );
    expect(() => restoreConfigSecrets({ mirrors: [HIDDEN] }, {}, fields)).toThrow(
      expect.objectContaining({ path: "/config/mirrors/0" }),
    );
    // A marker where a plain value is stored would store the marker as a secret.
    expect(() => restoreConfigSecrets({ note: HIDDEN }, { note: "plain" }, fields)).toThrow(
      expect.objectContaining({ path: "/config/note" }),
    );
  });
});

import { ValidationError } from "@synapseops/core";
import { expect, it } from "vitest";
import { connectionsFromEnv } from "../src/connections-config";

it("reads OAuth providers from the environment, with the redirect URI on the public URL", () => {
  expect(connectionsFromEnv({})).toBeUndefined();
  const providers = { demo: { clientId: "id", tokenEndpoint: "https://idp.example/token" } };
  expect(
    connectionsFromEnv({
      SYNAPSEOPS_OAUTH_PROVIDERS: JSON.stringify(providers),
      SYNAPSEOPS_PUBLIC_URL: "https://ops.example/base/",
    }),
  ).toEqual({ providers, redirectUri: "https://ops.example/oauth/callback" });
  expect(() => connectionsFromEnv({ SYNAPSEOPS_OAUTH_PROVIDERS: "{nope" })).toThrow(ValidationError);
  expect(() => connectionsFromEnv({ SYNAPSEOPS_OAUTH_PROVIDERS: "[]" })).toThrow(/object of providers/);
  expect(() => connectionsFromEnv({ SYNAPSEOPS_OAUTH_PROVIDERS: "{}" })).toThrow(/SYNAPSEOPS_PUBLIC_URL/);
});

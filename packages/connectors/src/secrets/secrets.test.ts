import { describe, expect, it } from "vitest";
import { envSecrets, memorySecrets } from "../index";

describe("envSecrets", () => {
  const env = { APP_CRM_KEY: "dev", APP_CRM_KEY__SANDBOX_EU: "sandbox", APP_EMPTY: "" };

  it("reads prefixed variables, with a per-environment override", async () => {
    const secrets = envSecrets({ env, prefix: "APP_" });
    expect(secrets.name).toBe("env");
    expect(await secrets.get("CRM_KEY")).toBe("dev");
    expect(await secrets.get("CRM_KEY", { environment: "sandbox-eu" })).toBe("sandbox");
    expect(await secrets.get("CRM_KEY", { environment: "production" })).toBe("dev");
  });

  it("treats missing and empty variables as absent", async () => {
    const secrets = envSecrets({ env, prefix: "APP_" });
    expect(await secrets.get("NOPE")).toBeUndefined();
    expect(await secrets.get("EMPTY")).toBeUndefined();
  });
});

describe("memorySecrets", () => {
  it("resolves per environment, falls back to global values, and rotates", async () => {
    const secrets = memorySecrets({ KEY: "global" }, { production: { KEY: "live" } });
    expect(await secrets.get("KEY")).toBe("global");
    expect(await secrets.get("KEY", { environment: "production" })).toBe("live");
    expect(await secrets.get("KEY", { environment: "sandbox" })).toBe("global");
    secrets.set("KEY", "sbx", { environment: "sandbox" });
    expect(await secrets.get("KEY", { environment: "sandbox" })).toBe("sbx");
    secrets.delete("KEY");
    expect(await secrets.get("KEY")).toBeUndefined();
  });
});

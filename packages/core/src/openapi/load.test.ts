import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { specNames, specPath } from "../../test/openapi-specs";
import { getAtPointer, listOperations, loadOpenApi, OpenApiError, ValidationError } from "../index";

const fixtures = join(__dirname, "fixtures");

describe("loadOpenApi on the real documents (npm packages, issue 18)", () => {
  it.each(specNames())("%s loads and lists unique operation ids", async (file) => {
    const doc = await loadOpenApi(specPath(file));
    const ops = listOperations(doc);
    expect(new Set(ops.map((op) => op.operationId)).size).toBe(ops.length);
    for (const op of ops) expect(getAtPointer(doc, op.pointer)).toBeTypeOf("object");
  });

  it("loads GitHub (13 MB, 1,223 operations) and Stripe (452)", async () => {
    const github = listOperations(await loadOpenApi(specPath("large/github.json")));
    expect(github).toHaveLength(1223);
    const stripe = listOperations(await loadOpenApi(specPath("large/stripe.json")));
    expect(stripe).toHaveLength(452);
    // Stripe's deepObject array query parameters keep their style.
    const list = stripe.find((op) => op.operationId === "GetCustomers");
    expect(list?.parameters.find((p) => p.name === "created")).toMatchObject({
      style: "deepObject",
      explode: true,
    });
  });
});

describe("loadOpenApi inputs", () => {
  // issue 19: editors on Windows start files with a UTF-8 byte-order mark; JSON.parse refuses it.
  it("loads JSON and YAML that start with a UTF-8 byte-order mark (files, text and referenced files)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synapseops-bom-"));
    const plain = {
      openapi: "3.0.3",
      info: { title: "BOM", version: "1" },
      paths: {
        "/pets": {
          get: {
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "pet.json#/Pet" } } },
              },
            },
          },
        },
      },
    };
    writeFileSync(
      join(dir, "pet.json"),
      `\uFEFF${JSON.stringify({ Pet: { type: "object", title: "Pet" } })}`,
    );
    writeFileSync(join(dir, "api.json"), `\uFEFF${JSON.stringify(plain, null, 2)}`);
    writeFileSync(
      join(dir, "api.yaml"),
      "\uFEFFopenapi: 3.0.3\ninfo: { title: BOM, version: '1' }\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: 'pet.json#/Pet' }\n",
    );
    const fromJson = await loadOpenApi(join(dir, "api.json"));
    const fromYaml = await loadOpenApi(join(dir, "api.yaml"));
    expect(fromJson.info).toEqual({ title: "BOM", version: "1" });
    expect(fromYaml).toEqual(fromJson);
    expect(JSON.stringify(fromJson)).toContain('"title":"Pet"');
    const fromText = await loadOpenApi(`\uFEFF${JSON.stringify({ ...plain, paths: {} })}`);
    expect(fromText.openapi).toBe("3.0.3");
    expect(Object.keys(fromText)[0]).toBe("openapi");
  });

  const yaml =
    "openapi: 3.1.0\ninfo: { title: T, version: '1' }\npaths:\n  /a/{id}:\n    get:\n      responses: { '204': { description: none } }\n";

  it("accepts YAML text, JSON text and objects alike, without changing the object", async () => {
    const fromYaml = await loadOpenApi(yaml);
    const fromJson = await loadOpenApi(JSON.stringify(fromYaml));
    const object = structuredClone(fromYaml);
    const fromObject = await loadOpenApi(object);
    expect(fromJson).toEqual(fromYaml);
    expect(fromObject).toEqual(object);
    const [op] = listOperations(fromYaml);
    expect(op).toMatchObject({
      operationId: "getAById",
      operationIdSynthesised: true,
      method: "get",
      path: "/a/{id}",
    });
    expect(op?.parameters).toEqual([]);
  });

  it("bundles multi-file refs, merges path-level parameters and keeps cycles as local refs", async () => {
    const doc = await loadOpenApi(join(fixtures, "multi/api.yaml"));
    const [op] = listOperations(doc);
    expect(op?.parameters.map((p) => [p.in, p.name, p.required, p.style, p.explode])).toEqual([
      ["path", "petId", true, "simple", false],
      ["query", "fields", false, "form", false],
    ]);
    expect(op?.responses[0]?.content[0]?.schema).toEqual({ $ref: "#/components/schemas/pet" });
    const pet = getAtPointer(doc, "/components/schemas/pet");
    expect(getAtPointer(pet, "/properties/owner/properties/pets/items")).toEqual({
      $ref: "#/components/schemas/pet",
    });
    expect(getAtPointer(pet, "/properties/parent")).toEqual({ $ref: "#/components/schemas/pet" });
    expect(JSON.stringify(doc)).not.toContain(".yaml");
  });

  it("reports a broken $ref with its JSON pointer and line (a typed ValidationError)", async () => {
    const error = await loadOpenApi(join(fixtures, "broken.yaml")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenApiError);
    expect(error).toBeInstanceOf(ValidationError);
    const e = error as OpenApiError;
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.path).toBe("/paths/~1things/get/responses/200/content/application~1json/schema/$ref");
    expect(e.location?.line).toBe(14);
    expect(e.message).toMatch(/broken\.yaml:14:\d+ .*"#\/components\/schemas\/Missing" does not resolve/);
  });

  it("reports YAML syntax errors and non-OpenAPI input with a location", async () => {
    const syntax = await loadOpenApi("openapi: 3.0.0\ninfo: [\n").catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(OpenApiError);
    expect((syntax as OpenApiError).location?.line).toBeGreaterThan(0);
    const notOpenApi = await loadOpenApi({ hello: "world" }).catch((e: unknown) => e);
    expect((notOpenApi as OpenApiError).path).toBe("/openapi");
    await expect(loadOpenApi("/nope/missing.yaml")).rejects.toThrow(/file not found/);
    await expect(loadOpenApi("https://example.com/openapi.json")).rejects.toThrow(/not fetched/);
  });

  it("converts Swagger 2.0 (body → requestBody, multi → exploded form, definitions → components)", async () => {
    const doc = await loadOpenApi(join(fixtures, "swagger2.json"));
    expect(doc.openapi).toBe("3.0.3");
    expect(doc.servers).toEqual([{ url: "https://api.example.com/v1" }]);
    const [op] = listOperations(doc);
    expect(op?.requestBody).toMatchObject({
      contentType: "application/json",
      required: true,
      schema: { $ref: "#/components/schemas/Item" },
    });
    expect(op?.parameters[0]).toMatchObject({ name: "tags", style: "form", explode: true });
    await expect(loadOpenApi(join(fixtures, "swagger2.json"), { convertSwagger2: false })).rejects.toThrow(
      OpenApiError,
    );
  });

  it("de-duplicates repeated operation ids deterministically", async () => {
    const doc = await loadOpenApi({
      openapi: "3.0.3",
      info: { title: "dup", version: "1" },
      paths: {
        "/a": { get: { operationId: "list", responses: {} } },
        "/b": { get: { operationId: "list", responses: {} }, post: { responses: {} } },
      },
    });
    expect(listOperations(doc).map((op) => op.operationId)).toEqual(["list", "list2", "postB"]);
  });
});

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { loadSpec, slug, writeOut } from "../../_test/specs";
import { createMockServer } from "../../mock/server";
import { generateSdkPython, pythonPackageName } from "./index";

const exec = promisify(execFile);

/** How to run mypy here: `mypy`, else Debian's python3-mypy (`/usr/bin/python3 -m mypy`). */
async function findMypy(): Promise<string[] | undefined> {
  for (const candidate of [["mypy"], ["python3", "-m", "mypy"], ["/usr/bin/python3", "-m", "mypy"]]) {
    try {
      const { stdout } = await exec(candidate[0]!, [...candidate.slice(1), "--version"]);
      if (stdout.includes("mypy")) return candidate;
    } catch {}
  }
  return undefined;
}
const mypy = await findMypy();
// Locally mypy may be missing (skip, saying why); CI installs python3-mypy, so there it must run.
if (!mypy && process.env.CI === "true")
  throw new Error("mypy is required under CI=true (apt-get install python3-mypy)");

async function mypyStrict(dir: string, pkg: string): Promise<string> {
  try {
    const { stdout } = await exec(
      mypy![0]!,
      [...mypy!.slice(1), "--strict", "--cache-dir", `${dir}/.mypy_cache`, pkg],
      {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return stdout;
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

const petstoreScript = `
import sys, json
sys.path.insert(0, sys.argv[1])
from swagger_petstore_client import Client, ApiError, NotFoundError, models
client = Client(base_url=sys.argv[2], auth={"api_key": "k"})
pet = client.get_pet_by_id(pet_id=1)
assert isinstance(pet["name"], str), pet
pets = client.find_pets_by_status(status=["available"])
assert isinstance(pets, list)
try:
    Client(base_url=sys.argv[2], headers={"Prefer": "code=404"}, retries=0).get_pet_by_id(pet_id=1)
    raise SystemExit("expected ApiError")
except NotFoundError as error:
    assert isinstance(error, ApiError) and error.status == 404, error.status
print(json.dumps({"pet": pet["name"], "pets": len(pets), "models": hasattr(models, "Pet")}))
`;

// issue 19: a document of our own with every shape the Python SDK must type.
const shapes = {
  openapi: "3.1.0",
  info: { title: "Shapes Store API", version: "1.2.0" },
  servers: [{ url: "https://shapes.example" }],
  paths: {
    "/shapes/{shapeId}": {
      get: {
        operationId: "GetShape",
        parameters: [
          { name: "shapeId", in: "path", required: true, schema: { type: "string" } },
          { name: "X-Trace-Id", in: "header", schema: { type: "string" } },
          { name: "class", in: "query", schema: { type: "string", enum: ["a", "b"] } },
          { name: "units", in: "query", required: true, schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Shape" } } },
          },
          "404": { description: "missing" },
        },
      },
    },
    "/shapes": {
      get: {
        operationId: "listShapes",
        parameters: [{ name: "starting_after", in: "query", schema: { type: "string" } }],
        responses: {
          "200": {
            description: "page",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["data", "has_more"],
                  properties: {
                    data: { type: "array", items: { $ref: "#/components/schemas/Shape" } },
                    has_more: { type: "boolean" },
                  },
                },
              },
            },
          },
        },
      },
      post: {
        operationId: "createShape",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Square" } } },
        },
        responses: { "204": { description: "created" } },
      },
    },
  },
  components: {
    schemas: {
      Kind: { type: "string", enum: ["square", "circle"] },
      Base: {
        type: "object",
        required: ["id"],
        properties: { id: { type: "string" }, kind: { $ref: "#/components/schemas/Kind" } },
      },
      Square: {
        allOf: [
          { $ref: "#/components/schemas/Base" },
          { type: "object", required: ["side"], properties: { side: { type: "number" } } },
        ],
      },
      Circle: {
        type: "object",
        properties: { radius: { type: ["number", "null"] }, "odd-key": { type: "string" } },
      },
      Shape: { oneOf: [{ $ref: "#/components/schemas/Square" }, { $ref: "#/components/schemas/Circle" }] },
    },
  },
} as unknown as OpenApiDocument;

describe("sdk-python", () => {
  it("imports with python3 and calls the mock with keyword arguments, typed results and typed errors", async () => {
    const input = loadSpec("edge/3.0/petstore.json");
    const dir = writeOut("sdk-python/petstore", generateSdkPython(input));
    const mock = createMockServer(input.document);
    const { url, close } = await mock.listen();
    try {
      const { stdout } = await exec("python3", ["-c", petstoreScript, dir, url]);
      expect(JSON.parse(stdout)).toMatchObject({ pets: expect.any(Number), models: true });
    } finally {
      await close();
    }
  });

  // issue 19: idiomatic shapes — keyword arguments, Required/NotRequired, Literal, unions, allOf merged.
  it("writes keyword arguments, TypedDicts with Required/NotRequired, Literal enums, unions and merged allOf", () => {
    const files = generateSdkPython({ document: shapes, operations: listOperations(shapes) });
    const text = (path: string): string => String(files.find((f) => f.path === path)?.contents ?? "");
    expect(files.map((f) => f.path)).toContain("shapes_store_client/client.py");
    expect(text("pyproject.toml")).toContain('name = "shapes-store-client"');
    expect(text("pyproject.toml")).toContain('requires-python = ">=3.11"');
    const client = text("shapes_store_client/client.py");
    // required before optional, snake_case, a keyword renamed
    expect(client).toContain(
      'def get_shape(self, *, shape_id: str, units: str, x_trace_id: Optional[str] = None, class_: Optional[Literal["a", "b"]] = None) -> M.Shape:',
    );
    expect(client).toContain('"query": {"class": class_, "units": units}');
    expect(client).toContain("def create_shape(self, *, body: M.Square) -> None:");
    expect(client).toMatch(
      /def iter_list_shapes\(self, \*, starting_after: Optional\[str\] = None\) -> Iterator\[M\.ListShapesResponse\]:/,
    );
    const models = text("shapes_store_client/models.py");
    expect(models).toContain('Kind: TypeAlias = "Literal[\\"square\\", \\"circle\\"]"');
    expect(models).toMatch(
      /class Square\(TypedDict\):\n {4}id: str\n {4}kind: NotRequired\[Kind\]\n {4}side: float/,
    );
    expect(models).toContain('Shape: TypeAlias = "Union[Square, Circle]"');
    expect(models).toContain(
      'Circle = TypedDict("Circle", {"radius": "NotRequired[Optional[float]]", "odd-key": "NotRequired[str]"})',
    );
    expect(models).not.toContain("total=False");
  });

  it("derives the package name from the title", () => {
    expect(pythonPackageName("Swagger Petstore")).toBe("swagger_petstore_client");
    expect(pythonPackageName("Email")).toBe("email_client");
    expect(pythonPackageName("123")).toBe("api_client");
  });

  // issue 19: 831 of 845 mypy --strict errors were no-any-return; the SDK must be clean.
  it
    .skipIf(!mypy)
    .each([
      "edge/3.0/petstore.json",
      "edge/3.0/file-uploads.json",
      "edge/3.0/polymorphism.json",
      "edge/3.1/schema-types.json",
      "real/svix.json",
      "shapes",
    ] as const)(
    "%s: mypy --strict finds no error",
    async (spec) => {
      const input =
        spec === "shapes" ? { document: shapes, operations: listOperations(shapes) } : loadSpec(spec);
      const files = generateSdkPython(input);
      const pkg = files[1]!.path.split("/")[0]!;
      const dir = writeOut(`sdk-python-mypy/${slug(spec)}`, files);
      const out = await mypyStrict(dir, pkg);
      expect(out).toContain("Success: no issues found");
    },
    180_000,
  );
  if (!mypy)
    it.skip("mypy --strict: skipped, mypy is not installed (apt-get install python3-mypy)", () => {});

  it.each([
    "large/stripe.json",
    "large/github.json",
    "real/twilio-api.json",
    "edge/3.1/schema-types.json",
  ] as const)(
    "%s: the package compiles and imports",
    async (spec) => {
      const files = generateSdkPython(loadSpec(spec));
      const pkg = files[1]!.path.split("/")[0]!;
      const dir = writeOut(`sdk-python/${slug(spec)}`, files);
      const { stdout } = await exec("python3", [
        "-c",
        `import sys; sys.path.insert(0, sys.argv[1]); import ${pkg}, ${pkg}.models; print(len([m for m in dir(${pkg}.Client) if not m.startswith('_')]))`,
        dir,
      ]);
      expect(Number(stdout)).toBeGreaterThan(0);
    },
    60_000,
  );
});

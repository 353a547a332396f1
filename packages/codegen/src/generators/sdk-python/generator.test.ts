import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadSpec, slug, writeOut } from "../../_test/specs";
import { createMockServer } from "../../mock/server";
import { generateSdkPython } from "./index";

const exec = promisify(execFile);

const script = `
import sys, json
sys.path.insert(0, sys.argv[1])
from api_client import Client, ApiError
from api_client import models
client = Client(base_url=sys.argv[2], auth={"api_key": "k"})
pet = client.get_pet_by_id(path={"petId": 1})
assert isinstance(pet["name"], str), pet
pets = client.find_pets_by_status(query={"status": ["available"]})
assert isinstance(pets, list)
try:
    Client(base_url=sys.argv[2], headers={"Prefer": "code=404"}, retries=0).get_pet_by_id(path={"petId": 1})
    raise SystemExit("expected ApiError")
except ApiError as error:
    assert error.status == 404, error.status
print(json.dumps({"pet": pet["name"], "pets": len(pets), "models": hasattr(models, "Pet")}))
`;

describe("sdk-python", () => {
  it("imports with python3 and calls the mock with typed results and typed errors", async () => {
    const input = loadSpec("edge/3.0/petstore.json");
    const dir = writeOut("sdk-python/petstore", generateSdkPython(input));
    const mock = createMockServer(input.document);
    const { url, close } = await mock.listen();
    try {
      const { stdout } = await exec("python3", ["-c", script, dir, url]);
      expect(JSON.parse(stdout)).toMatchObject({ pets: expect.any(Number), models: true });
    } finally {
      await close();
    }
  });

  it.each([
    "large/stripe.json",
    "large/github.json",
    "real/twilio-api.json",
    "edge/3.1/schema-types.json",
  ] as const)(
    "%s: the package compiles and imports",
    async (spec) => {
      const dir = writeOut(`sdk-python/${slug(spec)}`, generateSdkPython(loadSpec(spec)));
      const { stdout } = await exec("python3", [
        "-c",
        "import sys; sys.path.insert(0, sys.argv[1]); import api_client, api_client.models; print(len([m for m in dir(api_client.Client) if not m.startswith('_')]))",
        dir,
      ]);
      expect(Number(stdout)).toBeGreaterThan(0);
    },
    60_000,
  );
});

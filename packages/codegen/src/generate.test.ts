import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { orderGenerators } from "./_order";
import { OUT_DIR, specPath, writeOut } from "./_test/specs";
import { runCli } from "./cli/main";
import { builtinGenerators } from "./generators/registry";
import { CodegenConfigError, type Generator, generate } from "./index";
import { CODEGEN_VERSION } from "./version";

const exec = promisify(execFile);
const blueprintFile = join(__dirname, "generators/openapi/fixtures/shop-orders.blueprint.json");

describe("generator ordering", () => {
  const registry = new Map(builtinGenerators.map((g) => [g.name, g]));
  it("adds dependencies, runs bundle last, and rejects cycles and unknown targets", () => {
    expect(orderGenerators(["bundle", "mock", "sdk-ts"], registry).map((g) => g.name)).toEqual([
      "openapi",
      "mock",
      "sdk-ts",
      "bundle",
    ]);
    const a: Generator = { name: "a", description: "", outDir: "a", dependsOn: ["b"], generate: () => [] };
    const b: Generator = { name: "b", description: "", outDir: "b", dependsOn: ["a"], generate: () => [] };
    const cyclic = new Map([...registry, ["a", a], ["b", b]]);
    expect(() => orderGenerators(["a"], cyclic)).toThrow(/cycle: a → b → a/);
    expect(() => orderGenerators(["nope"], registry)).toThrow(CodegenConfigError);
  });
});

describe("generate from a blueprint (the foundation example's)", () => {
  it("writes an OpenAPI 3.1 document valid under swagger-parser and redocly lint (recommended), and a byte-identical bundle", async () => {
    const targets = ["openapi", "sdk-ts", "postman", "bundle"] as const;
    const first = await generate({ input: blueprintFile, targets, inMemory: true });
    const second = await generate({ input: blueprintFile, targets, inMemory: true });
    const zip = (r: typeof first): Uint8Array =>
      r.files.find((f) => f.path === "bundle/bundle.zip")!.contents as Uint8Array;
    expect(Buffer.from(zip(first)).equals(Buffer.from(zip(second)))).toBe(true);
    const entries = unzipSync(zip(first));
    const manifest = JSON.parse(Buffer.from(entries["manifest.json"]!).toString()) as {
      version: string;
      inputHash: string;
      files: { path: string; sha256: string }[];
    };
    expect(manifest.version).toBe(CODEGEN_VERSION);
    expect(manifest.files.map((f) => f.path)).toContain("openapi/openapi.json");
    const dir = writeOut("blueprint", first.files);
    const doc = JSON.parse(readFileSync(join(dir, "openapi/openapi.json"), "utf8")) as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    const webhook = doc.paths["/webhooks/shop-orders-to-erp"]?.post;
    expect(webhook?.["x-synapseops-annotations"]).toHaveLength(1);
    expect(JSON.stringify(webhook)).toContain("webhook-signature");
    expect(JSON.stringify(webhook)).toContain("ada@example.com"); // golden sample as example
    await SwaggerParser.validate(join(dir, "openapi/openapi.json"));
    const redocly = join(OUT_DIR, "../../../node_modules/@redocly/cli/bin/cli.js");
    const lint = await exec(
      process.execPath,
      [redocly, "lint", "--extends=recommended", "--format=json", join(dir, "openapi/openapi.json")],
      {
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
          NO_COLOR: "1",
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((e: { stdout: string }) => e);
    const problems = (JSON.parse(lint.stdout) as { problems: { severity: string; message: string }[] })
      .problems;
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
  }, 120_000);

  it("rejects an invalid blueprint with a JSON pointer", async () => {
    await expect(
      generate({
        input: { id: "x", name: "x", body: { source: {}, target: {}, steps: [] } },
        targets: ["openapi"],
        inMemory: true,
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      path: expect.stringMatching(/^\/0\/body/),
    });
  });
});

describe("generate from OpenAPI documents", () => {
  it("keeps every shared document valid under swagger-parser", async () => {
    for (const spec of [
      "edge/3.0/petstore.json",
      "edge/3.1/webhooks.json",
      "real/svix.json",
      "real/vercel.json",
    ] as const) {
      const { files } = await generate({
        input: specPath(spec),
        targets: ["openapi"],
        inMemory: true,
      });
      await SwaggerParser.validate(JSON.parse(String(files[0]?.contents)));
    }
  }, 120_000);

  it("is byte-stable where openapi-to-postmanv2 is not (anchor defect)", async () => {
    const input = specPath("edge/3.0/petstore.json");
    const ours = await Promise.all(
      [1, 2].map(() => generate({ input, targets: ["postman"], inMemory: true })),
    );
    expect(ours[0]?.files[0]?.contents).toBe(ours[1]?.files[0]?.contents);
    const { convert } = (await import(O2P_MODULE)) as {
      convert: (
        i: object,
        o: object,
        cb: (e: Error | null, r: { output: { data: unknown }[] }) => void,
      ) => void;
    };
    const theirs = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<string>((resolve, reject) =>
            convert({ type: "file", data: input }, {}, (e, r) =>
              e ? reject(e) : resolve(JSON.stringify(r.output[0]?.data)),
            ),
          ),
      ),
    );
    expect(theirs[0]).not.toBe(theirs[1]);
  });
});

/** A variable specifier: openapi-to-postmanv2 has no type declarations. */
const O2P_MODULE = "openapi-to-postmanv2";

describe("synapseops CLI", () => {
  it("generates with flags only, then --check passes, then fails with exit 1 when stale", async () => {
    const out = join(OUT_DIR, "cli");
    const lines: string[] = [];
    const io = { cwd: OUT_DIR, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const args = [
      "generate",
      "--input",
      specPath("real/svix.json"),
      "--targets",
      "openapi,sdk-ts,sdk-python,postman,tests,bundle",
      "--out",
      out,
    ];
    expect(await runCli(args, io)).toBe(0);
    expect(lines.some((l) => l.includes("sdk-ts:"))).toBe(true);
    expect(await runCli([...args, "--check"], io)).toBe(0);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(out, "sdk-ts/models.ts"), "// edited\n");
    expect(await runCli([...args, "--check"], io)).toBe(1);
    expect(lines.at(-1)).toContain("stale: sdk-ts/models.ts");
    expect(await runCli(["generate", "--input", "missing.yaml", "--targets", "sdk-ts"], io)).toBe(2);
    expect(lines.at(-1)).toMatch(/input file not found/);
    expect(await runCli(["generate", "--input", specPath("real/svix.json"), "--targets", "cobol"], io)).toBe(
      2,
    );
    expect(lines.at(-1)).toMatch(/unknown target "cobol"/);
  }, 120_000);

  it("keeps CODEGEN_VERSION equal to package.json's", () => {
    expect(JSON.parse(readFileSync(join(__dirname, "../package.json"), "utf8")).version).toBe(
      CODEGEN_VERSION,
    );
  });
});

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

it("runs end to end: refused approval, clean report, approval, three revisions", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"],
    { cwd: root, timeout: 60_000 },
  );
  expect(stdout).toContain('"code": "BLUEPRINT_INVALID"');
  expect(stdout).toContain('"path": "/mappings/0/samples/0"');
  expect(stdout).toMatch(/== validation report\n\{\n {2}"ok": true/);
  expect(stdout).toContain('"status": "APPROVED"');
  expect(stdout.match(/^r\d {2}sha256:[0-9a-f]{64}/gm)).toHaveLength(3);
  expect(stdout).toContain('"path": "/mappings/0/samples/0/output/customerName"');
  expect(stdout).toMatch(
    /== run\n[\s\S]*"status": "SUCCEEDED"[\s\S]*"completed": 2,[\s\S]*"filtered": 1,[\s\S]*"duplicates": 1/,
  );
  expect(stdout).toContain('"externalId": "450789470"');
  expect(stdout).toMatch(/run\.finished/);
});

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ConnectorError } from "@synapseops/connectors";
import { createRuntime } from "@synapseops/core";
import { connectorTestContext, testConnector } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeTicketDesk, ticketDesk } from "../src/index";

const desk = await startFakeTicketDesk("k", 7);
afterAll(() => desk.close());

// The shared contract every connector passes, run against the plugin from outside the monorepo's packages.
testConnector({
  connector: ticketDesk(),
  config: { url: desk.url, pageSize: 3 },
  secrets: { apiKey: "k" },
  invalidConfig: { value: { url: desk.url, pageSize: 0 }, path: "/pageSize" },
  sampleRecord: { subject: "hello" },
  failingConfig: { url: "http://127.0.0.1:9" },
});

describe("ticket-desk connector", () => {
  it("registers in a host's runtime, which checks refs against its schema", async () => {
    const runtime = createRuntime({ connectors: [ticketDesk()] });
    const project = await runtime.projects.create({ name: "p" });
    await expect(
      runtime.connectorRefs.put(project.id, { type: "ticket-desk", name: "d", config: { url: "nope" } }),
    ).rejects.toMatchObject({ code: "CONNECTOR_INVALID", path: "/config/url" });
  });

  it("a wrong key is a non-retryable 401", async () => {
    const connector = ticketDesk();
    const error = await connector.test!(
      connector.parseConfig({ url: desk.url }),
      connectorTestContext({ secrets: { apiKey: "bad" } }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ status: 401, retryable: false });
  });

  it("the example runs end to end", async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"],
      { cwd: root, timeout: 60_000 },
    );
    expect(stdout).toContain('"path": "/config/pageSize"');
    expect(stdout).toMatch(/== connection test\n\{\n {2}"ok": true/);
    expect(stdout).toContain("ticket-desk GET /me: 401");
    expect(stdout).toContain('"ticketsCreated": 1');
    expect(stdout).toMatch(/"count": 20,\n\s+"cursor": "T-020"/);
  });
});

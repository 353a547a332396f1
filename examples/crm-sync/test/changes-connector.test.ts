import { connectorTestContext, testConnector } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { crmChanges, startFakeHubSpot, startFakeSalesforce } from "../src/index";

const tokens = { t: "005SYNC", h: "005HUMAN" };
const salesforce = await startFakeSalesforce(
  Array.from({ length: 5 }, (_, i) => ({ Email: `p${i}@example.com`, LastName: `L${i}`, Company: "Acme" })),
  tokens,
);
const hubspot = await startFakeHubSpot(
  Array.from({ length: 5 }, (_, i) => ({ email: `c${i}@example.com` })),
  { t: "1", h: "2" },
);
afterAll(() => Promise.all([salesforce.close(), hubspot.close()]));

const salesforceConfig = {
  url: salesforce.changesUrl,
  sinceParam: "modifiedSince",
  pageSizeParam: "pageSize",
  pageSize: 2,
  itemsPath: "records",
  updatedAtPath: "LastModifiedDate",
  next: { type: "url", path: "nextRecordsUrl" },
};
const hubspotConfig = {
  url: hubspot.changesUrl,
  sinceParam: "updatedAfter",
  pageSize: 2,
  itemsPath: "results",
  updatedAtPath: "updatedAt",
  next: { type: "token", path: "paging.next.after", param: "after" },
};

testConnector({
  connector: crmChanges(),
  config: salesforceConfig,
  secrets: { token: "t" },
  invalidConfig: { value: { ...salesforceConfig, pageSize: 0 }, path: "/pageSize" },
  failingConfig: { ...salesforceConfig, url: "http://127.0.0.1:9/leads" },
});

const readAll = async (config: unknown, cursor?: unknown) => {
  const connector = crmChanges();
  const batches = [];
  const context = connectorTestContext({ secrets: { token: "t" } });
  for await (const batch of connector.read!(
    connector.parseConfig(config),
    context,
    cursor === undefined ? {} : { cursor },
  ))
    batches.push(batch);
  return batches;
};

describe.each([
  ["Salesforce-like (next URL)", salesforceConfig],
  ["HubSpot-like (after token)", hubspotConfig],
])("crm-changes on the %s API", (_name, config) => {
  it("pages through every record; each batch carries the watermark so far", async () => {
    const batches = await readAll(config);
    expect(batches.map((b) => b.records.length)).toEqual([2, 2, 1]);
    const cursors = batches.map((b) => b.cursor as string);
    expect([...cursors].sort()).toEqual(cursors);
    expect(new Set(cursors).size).toBe(3);
  });

  it("from a watermark, reads only what changed after it", async () => {
    const watermark = (await readAll(config)).at(-1)!.cursor;
    expect((await readAll(config, watermark)).flatMap((b) => b.records)).toEqual([]);
    if (config === salesforceConfig) salesforce.edit("005HUMAN", "p1@example.com", { Company: "Globex" });
    else hubspot.edit("2", "c1@example.com", { company: "Globex" });
    const changed = (await readAll(config, watermark)).flatMap((b) => b.records);
    expect(changed).toHaveLength(1);
    expect(JSON.stringify(changed)).toContain("Globex");
  });
});

it("a wrong token is a non-retryable 401", async () => {
  const connector = crmChanges();
  const error = await connector.test!(
    connector.parseConfig(hubspotConfig),
    connectorTestContext({ secrets: { token: "nope" } }),
  ).catch((thrown: unknown) => thrown);
  expect(error).toMatchObject({ status: 401, retryable: false });
});

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { compareCrms, hubspotUsers, salesforceUsers, startCrmSyncExample } from "../src/index";

const example = await startCrmSyncExample(7);
afterAll(() => example.close());
const { salesforce, hubspot, sync } = example;

let firstPassCursors: unknown[] = [];
const writesBy = (writes: typeof salesforce.writes, user: string) => writes.filter((w) => w.by === user);

// One scenario, in order: each test continues from the state the previous one left.
describe("crm-sync: leads ↔ contacts", () => {
  it("the first pass moves each side's records to the other, matched by email", async () => {
    const [toHubSpot, toSalesforce] = await sync.pass();
    firstPassCursors = [toHubSpot!.cursor, toSalesforce!.cursor];
    expect(toHubSpot).toMatchObject({ read: 24, moved: 24, echoes: 0, failed: 0 });
    // 24 contacts were just written by the sync: they come back as echoes, the 12 others move.
    expect(toSalesforce).toMatchObject({ read: 36, moved: 12, echoes: 24, failed: 0 });
    expect(writesBy(hubspot.writes, hubspotUsers.integration)).toHaveLength(24);
    expect(
      writesBy(hubspot.writes, hubspotUsers.integration).filter((w) => w.kind === "update"),
    ).toHaveLength(4);
    expect(writesBy(salesforce.writes, salesforceUsers.integration)).toHaveLength(12);
    expect(compareCrms(salesforce.leads(), hubspot.contacts())).toMatchObject({
      leads: 36,
      contacts: 36,
      duplicates: 0,
      onlyInSalesforce: [],
      onlyInHubSpot: [],
      mismatches: [],
    });
  });

  it("a write made by the sync does not bounce back", async () => {
    const before = { sf: salesforce.writes.length, hs: hubspot.writes.length };
    const [toHubSpot, toSalesforce] = await sync.pass();
    expect(toHubSpot).toMatchObject({ read: 12, moved: 0, echoes: 12 });
    expect(toSalesforce).toMatchObject({ read: 0, moved: 0, echoes: 0 });
    expect({ sf: salesforce.writes.length, hs: hubspot.writes.length }).toEqual(before);
    // The Salesforce cursor moved past the echoes; the HubSpot one had nothing new to pass.
    expect(typeof toHubSpot!.cursor).toBe("string");
    expect(String(toHubSpot!.cursor) > String(firstPassCursors[0])).toBe(true);
    expect(toSalesforce!.cursor).toEqual(firstPassCursors[1]);
  });

  it("people's changes propagate both ways, once", async () => {
    salesforce.edit(salesforceUsers.alice, "person1@example.com", { Status: "Closed - Converted" });
    salesforce.edit(salesforceUsers.alice, "person2@example.com", { Phone: "+1-555-0999" });
    hubspot.edit(hubspotUsers.bob, "person30@example.com", { lastname: "Hamilton" });
    hubspot.edit(hubspotUsers.bob, "person99@example.com", { firstname: "Margaret", company: "MIT" });
    const before = {
      sf: writesBy(salesforce.writes, salesforceUsers.integration).length,
      hs: writesBy(hubspot.writes, hubspotUsers.integration).length,
    };
    const [toHubSpot, toSalesforce] = await sync.pass();
    expect(toHubSpot).toMatchObject({ read: 2, moved: 2, echoes: 0 });
    expect(toSalesforce).toMatchObject({ read: 4, moved: 2, echoes: 2 });
    const quiet = await sync.pass();
    expect(quiet.map((r) => r.moved)).toEqual([0, 0]);
    expect(writesBy(hubspot.writes, hubspotUsers.integration).length - before.hs).toBe(2);
    expect(writesBy(salesforce.writes, salesforceUsers.integration).length - before.sf).toBe(2);

    const contact = hubspot.contacts().find((c) => c.properties.email === "person1@example.com")!;
    expect(contact.properties.hs_lead_status).toBe("CONNECTED");
    const lead = salesforce.leads().find((l) => l.Email === "person30@example.com")!;
    expect(lead.LastName).toBe("Hamilton");
    const created = salesforce.leads().find((l) => l.Email === "person99@example.com")!;
    expect(created).toMatchObject({ FirstName: "Margaret", Company: "MIT", LastName: "[not provided]" });
    expect(compareCrms(salesforce.leads(), hubspot.contacts()).mismatches).toEqual([]);
  });

  it("a forced full resync repairs drift no cursor sees and converges with no duplicates", async () => {
    expect(hubspot.remove("person5@example.com")).toBe(true);
    expect(hubspot.remove("person6@example.com")).toBe(true);
    expect((await sync.pass()).map((r) => r.read)).toEqual([0, 0]);
    expect(hubspot.contacts()).toHaveLength(35);

    const [toHubSpot, toSalesforce] = await sync.pass({ fromStart: true });
    expect(toHubSpot).toMatchObject({ read: 37, moved: 24, echoes: 13, failed: 0 });
    expect(toSalesforce).toMatchObject({ read: 37, moved: 13, echoes: 24, failed: 0 });
    const recreated = hubspot.writes.filter((w) => w.kind === "create" && w.by === hubspotUsers.integration);
    expect(recreated.map((w) => w.email).slice(-2)).toEqual(["person5@example.com", "person6@example.com"]);

    const state = compareCrms(salesforce.leads(), hubspot.contacts());
    expect(state).toEqual({
      leads: 37,
      contacts: 37,
      duplicates: 0,
      onlyInSalesforce: [],
      onlyInHubSpot: [],
      mismatches: [],
    });
    // And then it is quiet: the resync's writes are echoes too.
    expect((await sync.pass()).map((r) => r.moved)).toEqual([0, 0]);
  });

  it("the example runs end to end and prints each pass", async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@synapseops/source", "--import", "tsx", "src/main.ts"],
      { cwd: root, timeout: 60_000 },
    );
    expect(stdout).toMatch(/pass 2: .*\nSalesforce → HubSpot +read 12 +moved +0 +echoes skipped 12/);
    expect(stdout).toMatch(
      /pass 6: .*\nSalesforce → HubSpot +read 37 +moved 24 .*\nHubSpot → Salesforce +read 37 +moved 13/,
    );
    expect(stdout).toMatch(/cursor 20\d\d-\d\d-\d\dT/);
    expect(stdout).toContain('"duplicates": 0');
    expect(stdout).toContain('"mismatches": []');
  }, 60_000);
});

/**
 * Two CRMs kept in sync both ways: a Salesforce-like API (leads) and a HubSpot-like API
 * (contacts), each polled with a stored cursor, mapped per direction, with loop prevention and a
 * forced full resync. Every pass prints what moved which way and the cursors.
 */
import { compareCrms } from "./consistency";
import { hubspotUsers, salesforceUsers } from "./seed";
import { startCrmSyncExample } from "./setup";
import type { DirectionReport } from "./sync";

const { salesforce, hubspot, sync, close } = await startCrmSyncExample();

const syncWrites = () => ({
  salesforce: salesforce.writes.filter((w) => w.by === salesforceUsers.integration).length,
  hubspot: hubspot.writes.filter((w) => w.by === hubspotUsers.integration).length,
});
const printPass = (title: string, reports: DirectionReport[]): void => {
  const lines = reports.map(
    (r) =>
      `${r.direction.padEnd(21)} read ${String(r.read).padStart(2)}  moved ${String(r.moved).padStart(2)}  echoes skipped ${String(r.echoes).padStart(2)}  failed ${r.failed}  cursor ${r.cursor ?? "(none)"}`,
  );
  const writes = syncWrites();
  lines.push(
    `Salesforce: ${salesforce.leads().length} leads (sync writes so far: ${writes.salesforce})   HubSpot: ${hubspot.contacts().length} contacts (sync writes so far: ${writes.hubspot})`,
  );
  process.stdout.write(`\n== ${title}\n${lines.join("\n")}\n`);
};

try {
  process.stdout.write(
    `Salesforce-like API ${salesforce.url}: ${salesforce.leads().length} leads\nHubSpot-like API ${hubspot.url}: ${hubspot.contacts().length} contacts (4 emails are in both)\n`,
  );

  printPass("pass 1: first sync, no cursors yet (Salesforce wins on the 4 shared emails)", await sync.pass());
  printPass("pass 2: nobody changed anything (the sync's own writes come back as echoes)", await sync.pass());

  // People at work: Alice in Salesforce, Bob in HubSpot.
  salesforce.edit(salesforceUsers.alice, "person1@example.com", { Status: "Closed - Converted" });
  salesforce.edit(salesforceUsers.alice, "person2@example.com", { Phone: "+1-555-0999" });
  salesforce.edit(salesforceUsers.alice, "person3@example.com", { Company: "Initrode" });
  hubspot.edit(hubspotUsers.bob, "person30@example.com", { lastname: "Hamilton" });
  hubspot.edit(hubspotUsers.bob, "person31@example.com", { hs_lead_status: "CONNECTED" });
  hubspot.edit(hubspotUsers.bob, "person99@example.com", {
    firstname: "Margaret",
    lastname: "Hamilton",
    company: "MIT",
    hs_lead_status: "NEW",
  });
  printPass("pass 3: Alice edited 3 leads; Bob edited 2 contacts and created 1", await sync.pass());
  printPass("pass 4: quiet again", await sync.pass());
  const lead = salesforce.leads().find((l) => l.Email === "person1@example.com");
  const contact = hubspot.contacts().find((c) => c.properties.email === "person1@example.com");
  process.stdout.write(
    `\n== one pair after the edits\nlead    ${JSON.stringify({ Status: lead?.Status, LastModifiedById: lead?.LastModifiedById })}\ncontact ${JSON.stringify({ hs_lead_status: contact?.properties.hs_lead_status, hs_updated_by_user_id: contact?.properties.hs_updated_by_user_id })}\n`,
  );

  // Drift no cursor can see: an admin deletes two contacts in HubSpot.
  hubspot.remove("person5@example.com");
  hubspot.remove("person6@example.com");
  printPass(
    "pass 5: an admin deleted 2 contacts in HubSpot (invisible to 'modified since')",
    await sync.pass(),
  );
  printPass("pass 6: forced full resync (backfill from the start)", await sync.pass({ fromStart: true }));
  printPass("pass 7: incremental again", await sync.pass());

  const consistency = compareCrms(salesforce.leads(), hubspot.contacts());
  process.stdout.write(
    `\n== in sync?\n${JSON.stringify({ ...consistency, writesBySync: syncWrites() }, null, 2)}\n`,
  );
} finally {
  await close();
}

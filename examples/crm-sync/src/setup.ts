/** Starts both local CRMs with their seed data and the sync between them. */
import { type FakeHubSpot, startFakeHubSpot } from "./fake-hubspot";
import { type FakeSalesforce, startFakeSalesforce } from "./fake-salesforce";
import {
  hubspotTokens,
  hubspotUsers,
  salesforceTokens,
  salesforceUsers,
  seedContacts,
  seedLeads,
} from "./seed";
import { type CrmSync, createCrmSync } from "./sync";

/** The example's world: two CRMs and the sync. `close()` stops all three. */
export interface CrmSyncExample {
  salesforce: FakeSalesforce;
  hubspot: FakeHubSpot;
  sync: CrmSync;
  close(): Promise<void>;
}

/** Starts the CRMs (free local ports) and the sync, pages of `pageSize` records. */
export async function startCrmSyncExample(pageSize = 10): Promise<CrmSyncExample> {
  const salesforce = await startFakeSalesforce(seedLeads(), salesforceTokens, salesforceUsers.seed);
  const hubspot = await startFakeHubSpot(seedContacts(), hubspotTokens, hubspotUsers.seed);
  const sync = await createCrmSync({
    salesforce: {
      url: salesforce.url,
      changesUrl: salesforce.changesUrl,
      token: "sf-sync-token",
      integrationUserId: salesforceUsers.integration,
    },
    hubspot: {
      url: hubspot.url,
      changesUrl: hubspot.changesUrl,
      token: "hs-sync-token",
      integrationUserId: hubspotUsers.integration,
    },
    pageSize,
  });
  return {
    salesforce,
    hubspot,
    sync,
    async close() {
      await sync.close();
      await Promise.all([salesforce.close(), hubspot.close()]);
    },
  };
}

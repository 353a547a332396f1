/**
 * `@synapseops/example-crm-sync`: two local CRMs and a two-way sync between them on SynapseOps.
 * @module
 */
export type { CrmChangesConfig } from "./changes-connector";
export { crmChanges } from "./changes-connector";
export type { Consistency } from "./consistency";
export { compareCrms } from "./consistency";
export type { Contact, FakeHubSpot } from "./fake-hubspot";
export { startFakeHubSpot } from "./fake-hubspot";
export type { FakeSalesforce, Lead, LeadFields, Write } from "./fake-salesforce";
export { startFakeSalesforce } from "./fake-salesforce";
export { contactToLead, leadToContact } from "./mappings";
export {
  hubspotTokens,
  hubspotUsers,
  salesforceTokens,
  salesforceUsers,
  seedContacts,
  seedLeads,
  sharedEmails,
} from "./seed";
export type { CrmSyncExample } from "./setup";
export { startCrmSyncExample } from "./setup";
export type { CrmSync, CrmSyncOptions, DirectionReport } from "./sync";
export { createCrmSync } from "./sync";

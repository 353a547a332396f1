/** The starting data and the users of the two local CRMs. */
import type { LeadFields } from "./fake-salesforce";

const first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia", "Ken"];
const last = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Backus",
  "Perlman",
  "Thompson",
];
const companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"];
const leadStatuses = [
  "Open - Not Contacted",
  "Working - Contacted",
  "Closed - Converted",
  "Closed - Not Converted",
];
const contactStatuses = ["NEW", "IN_PROGRESS", "CONNECTED", "UNQUALIFIED"];

/** API tokens → user ids. The sync has its own integration user on each side. */
export const salesforceUsers = { integration: "005INTEGRATION", alice: "005ALICE", seed: "005SEED" } as const;
export const hubspotUsers = { integration: "9000001", bob: "9000042", seed: "9000000" } as const;
export const salesforceTokens = {
  "sf-sync-token": salesforceUsers.integration,
  "sf-alice-token": salesforceUsers.alice,
};
export const hubspotTokens = { "hs-sync-token": hubspotUsers.integration, "hs-bob-token": hubspotUsers.bob };

/** Emails both CRMs know before the first sync. */
export const sharedEmails = [
  "person20@example.com",
  "person21@example.com",
  "person22@example.com",
  "person23@example.com",
];

/** 24 leads: person0 … person23. */
export function seedLeads(): Array<LeadFields & { Email: string }> {
  return Array.from({ length: 24 }, (_, i) => ({
    FirstName: first[i % first.length],
    LastName: last[(i * 3) % last.length]!,
    Email: `person${i}@example.com`,
    Company: companies[i % companies.length]!,
    Phone: `+1-555-01${String(i).padStart(2, "0")}`,
    Status: leadStatuses[i % leadStatuses.length]!,
  }));
}

/** 16 contacts: person20 … person35 (four of them are leads too, with different details). */
export function seedContacts(): Array<Record<string, string> & { email: string }> {
  return Array.from({ length: 16 }, (_, k) => {
    const i = k + 20;
    return {
      email: `person${i}@example.com`,
      firstname: first[(i + 1) % first.length]!,
      lastname: last[(i * 7) % last.length]!,
      company: companies[(i + 2) % companies.length]!,
      hs_lead_status: contactStatuses[i % contactStatuses.length]!,
    };
  });
}

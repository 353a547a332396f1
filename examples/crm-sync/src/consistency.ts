/** Compares the two CRMs the way the mappings relate them: are they in sync? */
import type { Contact } from "./fake-hubspot";
import type { Lead } from "./fake-salesforce";

const statusPairs: Record<string, string> = {
  "Open - Not Contacted": "NEW",
  "Working - Contacted": "IN_PROGRESS",
  "Closed - Converted": "CONNECTED",
  "Closed - Not Converted": "UNQUALIFIED",
};

/** What {@link compareCrms} finds. */
export interface Consistency {
  leads: number;
  contacts: number;
  /** Emails present more than once on one side. */
  duplicates: number;
  onlyInSalesforce: string[];
  onlyInHubSpot: string[];
  /** `email: field` for each pair whose fields disagree. */
  mismatches: string[];
}

/** Pairs leads and contacts by email and compares names, company, phone and status as the mappings relate them. */
export function compareCrms(leads: readonly Lead[], contacts: readonly Contact[]): Consistency {
  const leadByEmail = new Map(leads.map((lead) => [lead.Email, lead]));
  const contactByEmail = new Map(contacts.map((contact) => [contact.properties.email, contact]));
  const mismatches: string[] = [];
  for (const [email, lead] of leadByEmail) {
    const contact = contactByEmail.get(email)?.properties;
    if (contact === undefined) continue;
    const pairs: Array<[string, unknown, unknown]> = [
      ["firstname", lead.FirstName, contact.firstname],
      // A contact without them gets the placeholders Salesforce requires (see the mappings).
      ["lastname", lead.LastName, contact.lastname ?? "[not provided]"],
      ["company", lead.Company, contact.company ?? "[not provided]"],
      ["phone", lead.Phone, contact.phone],
      ["status", statusPairs[lead.Status], contact.hs_lead_status ?? "NEW"],
    ];
    for (const [field, left, right] of pairs) if (left !== right) mismatches.push(`${email}: ${field}`);
  }
  return {
    leads: leads.length,
    contacts: contacts.length,
    duplicates: leads.length - leadByEmail.size + (contacts.length - contactByEmail.size),
    onlyInSalesforce: [...leadByEmail.keys()].filter((email) => !contactByEmail.has(email)),
    onlyInHubSpot: [...contactByEmail.keys()].filter((email) => !leadByEmail.has(email)),
    mismatches,
  };
}

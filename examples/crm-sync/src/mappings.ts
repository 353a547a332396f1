/**
 * The field mappings, one per direction. Statuses have different vocabularies on each side, so
 * each direction carries its own lookup table; Salesforce requires LastName and Company on a
 * Lead, so contacts without them get a placeholder. Each mapping has a golden sample that
 * validation checks before the blueprint can be approved.
 */
import type { Mapping } from "@synapseops/core";
import type { z } from "zod";

type MappingInput = z.input<typeof Mapping>;

const leadStatusToHubSpot = {
  "Open - Not Contacted": "NEW",
  "Working - Contacted": "IN_PROGRESS",
  "Closed - Converted": "CONNECTED",
  "Closed - Not Converted": "UNQUALIFIED",
};
const hubSpotStatusToLead = Object.fromEntries(
  Object.entries(leadStatusToHubSpot).map(([lead, contact]) => [contact, lead]),
);

/** Salesforce Lead → HubSpot contact (the `email` at the root addresses the upsert). */
export const leadToContact: MappingInput = {
  id: "lead-to-contact",
  rules: [
    { target: "email", from: "Email", transforms: ["lower"] },
    { target: "properties.email", from: "Email", transforms: ["lower"] },
    { target: "properties.firstname", from: "FirstName" },
    { target: "properties.lastname", from: "LastName" },
    { target: "properties.company", from: "Company" },
    { target: "properties.phone", from: "Phone" },
    {
      target: "properties.hs_lead_status",
      from: "Status",
      transforms: [{ fn: "lookup", args: ["status"] }],
      default: "NEW",
    },
    { target: "properties.salesforce_lead_id", from: "Id" },
  ],
  lookups: { status: leadStatusToHubSpot },
  samples: [
    {
      name: "working lead",
      input: {
        Id: "00Q000000000001",
        FirstName: "Ada",
        LastName: "Lovelace",
        Email: "Ada@Example.com",
        Company: "Analytical Engines",
        Status: "Working - Contacted",
        LastModifiedDate: "2026-01-01T00:00:00.000Z",
        LastModifiedById: "005ALICE",
      },
      output: {
        email: "ada@example.com",
        properties: {
          email: "ada@example.com",
          firstname: "Ada",
          lastname: "Lovelace",
          company: "Analytical Engines",
          hs_lead_status: "IN_PROGRESS",
          salesforce_lead_id: "00Q000000000001",
        },
      },
    },
  ],
};

/** HubSpot contact → Salesforce Lead. */
export const contactToLead: MappingInput = {
  id: "contact-to-lead",
  rules: [
    { target: "Email", from: "properties.email", transforms: ["lower"] },
    { target: "FirstName", from: "properties.firstname" },
    { target: "LastName", from: "properties.lastname", default: "[not provided]" },
    { target: "Company", from: "properties.company", default: "[not provided]" },
    { target: "Phone", from: "properties.phone" },
    {
      target: "Status",
      from: "properties.hs_lead_status",
      transforms: [{ fn: "lookup", args: ["status"] }],
      default: "Open - Not Contacted",
    },
    { target: "HubSpot_Contact_Id__c", from: "id" },
  ],
  lookups: { status: hubSpotStatusToLead },
  samples: [
    {
      name: "contact without a company",
      input: {
        id: "1001",
        properties: {
          email: "grace@example.com",
          firstname: "Grace",
          lastname: "Hopper",
          hs_lead_status: "CONNECTED",
        },
        updatedAt: "2026-01-01T00:00:00.000Z",
      },
      output: {
        Email: "grace@example.com",
        FirstName: "Grace",
        LastName: "Hopper",
        Company: "[not provided]",
        Status: "Closed - Converted",
        HubSpot_Contact_Id__c: "1001",
      },
    },
  ],
};

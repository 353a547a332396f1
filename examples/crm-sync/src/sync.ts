/**
 * The two-way sync on a SynapseOps runtime: one blueprint per direction (a `crm-changes` source
 * polled with a stored cursor → filter out the sync's own writes → map → upsert through the http
 * connector), and a pass that polls both directions in turn.
 */
import { http, memorySecrets } from "@synapseops/connectors";
import { type BlueprintBodyInput, createRuntime, type Runtime } from "@synapseops/core";
import { crmChanges } from "./changes-connector";
import { contactToLead, leadToContact } from "./mappings";

/** Where the two CRMs are and who the sync is on each. */
export interface CrmSyncOptions {
  salesforce: { url: string; changesUrl: string; token: string; integrationUserId: string };
  hubspot: { url: string; changesUrl: string; token: string; integrationUserId: string };
  /** Records per page when reading changes. @default 10 */
  pageSize?: number;
}

/** What one direction of a pass did. */
export interface DirectionReport {
  direction: string;
  /** Records the poll read (changed since the cursor). */
  read: number;
  /** Records written to the other side. */
  moved: number;
  /** Records skipped because the sync itself wrote them last: loop prevention. */
  echoes: number;
  failed: number;
  /** The stored cursor after the pass: the latest modification time read. */
  cursor: unknown;
}

/** The running sync. */
export interface CrmSync {
  runtime: Runtime;
  /** Polls Salesforce → HubSpot, then HubSpot → Salesforce; `fromStart` is a forced full resync. */
  pass(options?: { fromStart?: boolean }): Promise<DirectionReport[]>;
  close(): Promise<void>;
}

/** Wires the runtime, the connector refs and the two approved blueprints. */
export async function createCrmSync(options: CrmSyncOptions): Promise<CrmSync> {
  const secrets = memorySecrets({
    SALESFORCE_TOKEN: options.salesforce.token,
    HUBSPOT_TOKEN: options.hubspot.token,
  });
  const runtime = createRuntime({ connectors: [crmChanges(), http()], secrets, actor: "crm-sync" });
  const project = await runtime.projects.create({ name: "CRM sync: Salesforce ↔ HubSpot" });
  const pageSize = options.pageSize ?? 10;
  const put = (name: string, type: string, config: Record<string, unknown>) =>
    runtime.connectorRefs.put(project.id, {
      type,
      name,
      config,
      secrets: { token: name.startsWith("Salesforce") ? "SALESFORCE_TOKEN" : "HUBSPOT_TOKEN" },
    });

  const leadChanges = await put("Salesforce lead changes", "crm-changes", {
    url: options.salesforce.changesUrl,
    sinceParam: "modifiedSince",
    pageSizeParam: "pageSize",
    pageSize,
    itemsPath: "records",
    updatedAtPath: "LastModifiedDate",
    next: { type: "url", path: "nextRecordsUrl" },
  });
  const contactChanges = await put("HubSpot contact changes", "crm-changes", {
    url: options.hubspot.changesUrl,
    sinceParam: "updatedAfter",
    pageSize,
    itemsPath: "results",
    updatedAtPath: "updatedAt",
    next: { type: "token", path: "paging.next.after", param: "after" },
  });
  const leadUpserts = await put("Salesforce lead upserts", "http", {
    baseUrl: options.salesforce.url,
    auth: { type: "bearer", secret: "token" },
    write: { method: "PATCH", path: "/services/data/v59.0/sobjects/Lead/Email/{Email}" },
  });
  const contactUpserts = await put("HubSpot contact upserts", "http", {
    baseUrl: options.hubspot.url,
    auth: { type: "bearer", secret: "token" },
    write: { method: "PATCH", path: "/crm/v3/objects/contacts/{email}", query: { idProperty: "email" } },
  });

  const body = (
    source: string,
    target: string,
    mapping: typeof leadToContact,
    notAnEcho: string,
  ): BlueprintBodyInput => ({
    trigger: { kind: "poll" },
    source: { connector: source },
    target: { connector: target },
    mappings: [mapping],
    steps: [
      // Loop prevention: a record whose last writer is the sync's own integration user is the
      // echo of a write this sync made; syncing it back would bounce it forever.
      { id: "not-an-echo", kind: "filter", condition: notAnEcho },
      { id: "map", kind: "map", mapping: mapping.id },
      { id: "upsert", kind: "send", connector: target },
    ],
  });
  const approved = async (name: string, input: BlueprintBodyInput): Promise<string> => {
    const draft = await runtime.blueprints.create(project.id, { name, body: input });
    await runtime.blueprints.approve(draft.id);
    return draft.id;
  };
  const directions = [
    {
      name: "Salesforce → HubSpot",
      blueprintId: await approved(
        "Leads → contacts",
        body(
          leadChanges.id,
          contactUpserts.id,
          leadToContact,
          `LastModifiedById != "${options.salesforce.integrationUserId}"`,
        ),
      ),
    },
    {
      name: "HubSpot → Salesforce",
      blueprintId: await approved(
        "Contacts → leads",
        body(
          contactChanges.id,
          leadUpserts.id,
          contactToLead,
          `properties.hs_updated_by_user_id != "${options.hubspot.integrationUserId}"`,
        ),
      ),
    },
  ];

  return {
    runtime,
    async pass(passOptions = {}) {
      const reports: DirectionReport[] = [];
      for (const { name, blueprintId } of directions) {
        const started = await runtime.runs.poll(blueprintId, { fromStart: passOptions.fromStart ?? false });
        const run =
          started === undefined ? undefined : await runtime.runs.wait(started.id, { timeoutMs: 30_000 });
        reports.push({
          direction: name,
          read: run?.counts.total ?? 0,
          moved: run?.counts.completed ?? 0,
          echoes: run?.counts.filtered ?? 0,
          failed: (run?.counts.failed ?? 0) + (run?.counts.deadLettered ?? 0),
          cursor: await runtime.runs.cursor(blueprintId),
        });
      }
      return reports;
    },
    close: () => runtime.close(),
  };
}

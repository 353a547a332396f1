/**
 * A local Salesforce-like API with Leads, so the example runs with nothing to set up. Like the
 * real one: every write stamps `LastModifiedDate` and `LastModifiedById` (the user the token
 * belongs to), changed records are listed by modification time in pages joined by
 * `nextRecordsUrl`, and `PATCH /sobjects/Lead/Email/{email}` upserts by an external id field.
 */
import { type JsonServer, monotonicClock, startJsonServer, userOf } from "./_json-server";

const API = "/services/data/v59.0";

/** A Lead as the API returns it. */
export interface Lead {
  Id: string;
  FirstName?: string;
  LastName: string;
  Email: string;
  Company: string;
  Phone?: string;
  Status: string;
  HubSpot_Contact_Id__c?: string;
  CreatedDate: string;
  LastModifiedDate: string;
  LastModifiedById: string;
}

/** The fields a person or the sync may set. */
export type LeadFields = Partial<Omit<Lead, "Id" | "CreatedDate" | "LastModifiedDate" | "LastModifiedById">>;

/** One write the API accepted, for the example's counts. */
export interface Write {
  by: string;
  kind: "create" | "update";
  email: string;
}

/** The running fake. */
export interface FakeSalesforce extends JsonServer {
  /** The changes endpoint a sync polls: `GET …/leads?modifiedSince=…`. */
  changesUrl: string;
  leads(): Lead[];
  writes: Write[];
  /** A person editing (or creating) a lead in the UI: a write by `user`. */
  edit(user: string, email: string, fields: LeadFields): Lead;
}

/** Starts the fake with `seed` leads; `tokens` maps API tokens to user ids. */
export async function startFakeSalesforce(
  seed: Array<LeadFields & { Email: string }>,
  tokens: Readonly<Record<string, string>>,
  seedUser = "005SEED",
): Promise<FakeSalesforce> {
  const now = monotonicClock();
  const byEmail = new Map<string, Lead>();
  const writes: Write[] = [];
  /** Query locators: the remaining pages of a result, as Salesforce keeps them server-side. */
  const locators = new Map<string, { rest: Lead[]; pageSize: number }>();
  let nextId = 1;

  const upsert = (user: string, email: string, fields: LeadFields): { lead: Lead; created: boolean } => {
    const key = email.toLowerCase();
    const existing = byEmail.get(key);
    const stamp = now();
    const lead: Lead = {
      ...(existing ?? {
        Id: `00Q${String(nextId++).padStart(12, "0")}`,
        LastName: "[not provided]",
        Company: "[not provided]",
        Status: "Open - Not Contacted",
        CreatedDate: stamp,
      }),
      ...fields,
      Email: key,
      LastModifiedDate: stamp,
      LastModifiedById: user,
    } as Lead;
    byEmail.set(key, lead);
    writes.push({ by: user, kind: existing ? "update" : "create", email: key });
    return { lead, created: existing === undefined };
  };
  for (const fields of seed) upsert(seedUser, fields.Email, fields);
  writes.length = 0;

  const page = (records: Lead[], pageSize: number) => {
    const head = records.slice(0, pageSize);
    const rest = records.slice(pageSize);
    let nextRecordsUrl: string | undefined;
    if (rest.length > 0) {
      const locator = `01g${locators.size + 1}`;
      locators.set(locator, { rest, pageSize });
      nextRecordsUrl = `${API}/query/${locator}`;
    }
    return { totalSize: records.length, done: nextRecordsUrl === undefined, records: head, nextRecordsUrl };
  };

  const server = await startJsonServer(({ method, url, headers, body }) => {
    const user = userOf(headers, tokens);
    if (user === undefined) return { status: 401, body: [{ errorCode: "INVALID_SESSION_ID" }] };
    if (method === "GET" && url.pathname === `${API}/leads`) {
      const since = url.searchParams.get("modifiedSince") ?? "";
      const pageSize = Number(url.searchParams.get("pageSize") ?? "200");
      const changed = [...byEmail.values()]
        .filter((lead) => lead.LastModifiedDate > since)
        .sort((a, b) => a.LastModifiedDate.localeCompare(b.LastModifiedDate));
      return { status: 200, body: page(changed, pageSize) };
    }
    const locator = url.pathname.startsWith(`${API}/query/`)
      ? url.pathname.slice(`${API}/query/`.length)
      : "";
    if (method === "GET" && locators.has(locator)) {
      const { rest, pageSize } = locators.get(locator)!;
      locators.delete(locator);
      return { status: 200, body: page(rest, pageSize) };
    }
    const upsertPath = `${API}/sobjects/Lead/Email/`;
    if (method === "PATCH" && url.pathname.startsWith(upsertPath)) {
      const email = decodeURIComponent(url.pathname.slice(upsertPath.length));
      const { lead, created } = upsert(user, email, body as LeadFields);
      return { status: created ? 201 : 200, body: { id: lead.Id, success: true, created } };
    }
    return { status: 404, body: [{ errorCode: "NOT_FOUND", message: `${method} ${url.pathname}` }] };
  });
  return {
    ...server,
    changesUrl: `${server.url}${API}/leads`,
    leads: () => structuredClone([...byEmail.values()]),
    writes,
    edit: (user, email, fields) => upsert(user, email, fields).lead,
  };
}

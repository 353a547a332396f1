/**
 * A local HubSpot-like API with contacts. Like the real one: properties in a `properties` object,
 * `updatedAt` and `hs_updated_by_user_id` stamped on every write, lists paged with an opaque
 * `paging.next.after` token, and `PATCH /crm/v3/objects/contacts/{email}?idProperty=email`
 * addressing a contact by email (here it also creates a missing one: an upsert).
 */
import { type JsonServer, monotonicClock, startJsonServer, userOf } from "./_json-server";
import type { Write } from "./fake-salesforce";

const CONTACTS = "/crm/v3/objects/contacts";

/** A contact as the API returns it. */
export interface Contact {
  id: string;
  properties: Record<string, string | undefined> & { email: string; hs_updated_by_user_id: string };
  createdAt: string;
  updatedAt: string;
}

/** The running fake. */
export interface FakeHubSpot extends JsonServer {
  /** The changes endpoint a sync polls: `GET …/contacts?updatedAfter=…`. */
  changesUrl: string;
  contacts(): Contact[];
  writes: Write[];
  /** A person editing (or creating) a contact in the UI: a write by `user`. */
  edit(user: string, email: string, properties: Record<string, string>): Contact;
  /** A person deleting a contact: nothing a "modified since" query can see. */
  remove(email: string): boolean;
}

/** Starts the fake with `seed` contacts (properties, `email` required); `tokens` maps tokens to user ids. */
export async function startFakeHubSpot(
  seed: Array<Record<string, string> & { email: string }>,
  tokens: Readonly<Record<string, string>>,
  seedUser = "seed",
): Promise<FakeHubSpot> {
  const now = monotonicClock();
  const byEmail = new Map<string, Contact>();
  const writes: Write[] = [];
  let nextId = 1001;

  const upsert = (
    user: string,
    email: string,
    properties: Record<string, unknown>,
  ): { contact: Contact; created: boolean } => {
    const key = email.toLowerCase();
    const existing = byEmail.get(key);
    const stamp = now();
    const clean = Object.fromEntries(
      Object.entries(properties).filter(([, value]) => value !== undefined && value !== null),
    ) as Record<string, string>;
    const contact: Contact = {
      id: existing?.id ?? String(nextId++),
      properties: {
        ...existing?.properties,
        ...clean,
        email: key,
        lastmodifieddate: stamp,
        hs_updated_by_user_id: user,
      },
      createdAt: existing?.createdAt ?? stamp,
      updatedAt: stamp,
    };
    byEmail.set(key, contact);
    writes.push({ by: user, kind: existing ? "update" : "create", email: key });
    return { contact, created: existing === undefined };
  };
  for (const properties of seed) upsert(seedUser, properties.email, properties);
  writes.length = 0;

  const server = await startJsonServer(({ method, url, headers, body }) => {
    const user = userOf(headers, tokens);
    if (user === undefined)
      return { status: 401, body: { status: "error", category: "INVALID_AUTHENTICATION" } };
    if (method === "GET" && url.pathname === CONTACTS) {
      const since = url.searchParams.get("updatedAfter") ?? "";
      const limit = Number(url.searchParams.get("limit") ?? "100");
      // The `after` token is the position (updatedAt, id) of the last contact of the previous page.
      const after = url.searchParams.get("after");
      const [afterStamp, afterId] = after ? Buffer.from(after, "base64url").toString().split("|") : ["", ""];
      const position = (c: Contact): string => `${c.updatedAt}|${c.id.padStart(10, "0")}`;
      const from = after ? `${afterStamp}|${afterId!.padStart(10, "0")}` : "";
      const changed = [...byEmail.values()]
        .filter((c) => c.updatedAt > since && position(c) > from)
        .sort((a, b) => position(a).localeCompare(position(b)));
      const results = changed.slice(0, limit);
      const last = results.at(-1);
      const token = last ? Buffer.from(`${last.updatedAt}|${last.id}`).toString("base64url") : undefined;
      return {
        status: 200,
        body: {
          results,
          ...(changed.length > limit && token
            ? { paging: { next: { after: token, link: `${CONTACTS}?after=${token}` } } }
            : {}),
        },
      };
    }
    if (method === "PATCH" && url.pathname.startsWith(`${CONTACTS}/`)) {
      if (url.searchParams.get("idProperty") !== "email")
        return {
          status: 400,
          body: { status: "error", message: "this fake addresses contacts by email only" },
        };
      const email = decodeURIComponent(url.pathname.slice(CONTACTS.length + 1));
      const { contact, created } = upsert(
        user,
        email,
        (body as { properties?: Record<string, unknown> }).properties ?? {},
      );
      return { status: created ? 201 : 200, body: contact };
    }
    return { status: 404, body: { status: "error", message: `${method} ${url.pathname}` } };
  });
  return {
    ...server,
    changesUrl: `${server.url}${CONTACTS}`,
    contacts: () => structuredClone([...byEmail.values()]),
    writes,
    edit: (user, email, properties) => upsert(user, email, properties).contact,
    remove: (email) => byEmail.delete(email.toLowerCase()),
  };
}

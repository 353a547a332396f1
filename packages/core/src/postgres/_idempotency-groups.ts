import type { IdempotencyRecord } from "../model/idempotency";
import type { IdempotencyOutcome } from "../store/types";
import type { Tables } from "./_identifier";
import { jsonParam } from "./_sql";

// The two statements a durable batch sends per group of records: new keys claimed, keys finished.
// Their parameters are what a bulk run sends per record, so they are compact (issue 21): a JSON
// array of arrays holding only what differs per record (key, payload hash, the end of its owner;
// a finish's time and result), and the values a group shares — scope, a batch's claim times, the
// owners' common start (`<runId>/`) — sent once in a second array that each item points into.
// PostgreSQL builds the stored documents from them. Before, each record went as a whole document
// with field names: ≈ 0.8 KB per record for its claim and completion, against ≈ 0.25 KB now.

/** A statement and its parameters. */
export interface GroupStatement {
  text: string;
  params: unknown[];
}

/** An owner cut after its last `/`: the start is shared by a run's records (`<runId>/<position>`). */
function splitOwner(owner: string): [string, string] {
  const cut = owner.lastIndexOf("/") + 1;
  return [owner.slice(0, cut), owner.slice(cut)];
}

/**
 * `item`'s index in `shared` (its values compared one by one), adding it when it is new. The item
 * before is tried first: a group's records mostly share one item, and comparing its few values is
 * cheaper than building and hashing a joined key per record.
 */
function sharedIndex(shared: unknown[][], index: Map<string, number>, item: unknown[]): number {
  const last = shared.length - 1;
  if (last >= 0 && sameValues(shared[last]!, item)) return last;
  // String() keeps an absent value apart from an empty one.
  const id = item.map(String).join("\u0000");
  let at = index.get(id);
  if (at === undefined) {
    at = shared.length;
    shared.push(item);
    index.set(id, at);
  }
  return at;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < b.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One `INSERT … ON CONFLICT DO NOTHING` for the new-key records of `claims` (each `records[i]` the
 * claimed record `decideIdempotencyClaim` made for `claims[i]`), inserted in the order given so
 * two groups that share keys lock them in the same order. Returns the keys it inserted.
 */
export function insertClaims(tables: Tables, records: readonly IdempotencyRecord[]): GroupStatement {
  // shared: [scope, leaseExpiresAt, expiresAt, createdAt, owner start];
  // items: [shared index, key, hash, owner end].
  const shared: unknown[][] = [];
  const index = new Map<string, number>();
  const items = records.map((r) => {
    const [ownerStart, ownerEnd] = splitOwner(r.leaseOwner ?? "");
    const at = sharedIndex(shared, index, [r.scope, r.leaseExpiresAt, r.expiresAt, r.createdAt, ownerStart]);
    return [at, r.key, r.payloadHash, ownerEnd];
  });
  return {
    text: `INSERT INTO ${tables.idempotency} (scope, key, expires_at, doc)
      SELECT s.v->>0, e.v->>1, (s.v->>2)::timestamptz,
        jsonb_build_object('scope', s.v->0, 'key', e.v->1, 'payloadHash', e.v->2, 'state', 'IN_PROGRESS',
          'leaseOwner', (s.v->>4) || (e.v->>3), 'leaseExpiresAt', s.v->1, 'expiresAt', s.v->2,
          'createdAt', s.v->3, 'updatedAt', s.v->3)
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n)
      CROSS JOIN LATERAL (SELECT $2::jsonb -> ((e.v->>0)::int)) AS s(v)
      ORDER BY e.n
      ON CONFLICT DO NOTHING
      RETURNING scope, key`,
    params: [jsonParam(items), jsonParam(shared)],
  };
}

/** A key's completion (`COMPLETED`) or failure (`FAILED`), as its owner reports it. */
export interface Finish {
  outcome: IdempotencyOutcome;
  state: "COMPLETED" | "FAILED";
}

/**
 * What a completion or failure merges into the record (the one-record path sends it whole;
 * `finishKeys` builds the same change in SQL from its compact items).
 */
export function finalChange(outcome: IdempotencyOutcome, state: Finish["state"]): Record<string, unknown> {
  return {
    state,
    finishedBy: outcome.owner,
    updatedAt: outcome.now.toISOString(),
    ...(outcome.result === undefined ? {} : { result: outcome.result }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  };
}

/**
 * One `UPDATE` finishing any number of keys, each only while `outcome.owner` holds its lease (the
 * WHERE clause is `holdsIdempotencyLease`): the lease is dropped and state, `finishedBy`,
 * `updatedAt` and the result or error are merged into the document. Returns the keys it
 * finished (a key missing from them lost its lease), not their documents: no caller reads them.
 */
export function finishKeys(tables: Tables, finishes: readonly Finish[]): GroupStatement {
  // shared: [scope, state, owner start]; items: [shared index, key, owner end, updatedAt,
  // { result?, error? }?]. Records finish each at its own time, so the time is per item.
  const shared: unknown[][] = [];
  const index = new Map<string, number>();
  const items = finishes.map(({ outcome, state }) => {
    const [ownerStart, ownerEnd] = splitOwner(outcome.owner);
    const item: unknown[] = [
      sharedIndex(shared, index, [outcome.scope, state, ownerStart]),
      outcome.key,
      ownerEnd,
      outcome.now.toISOString(),
    ];
    const extra: Record<string, unknown> = {};
    if (outcome.result !== undefined) extra.result = outcome.result;
    if (outcome.error !== undefined) extra.error = outcome.error;
    if (outcome.result !== undefined || outcome.error !== undefined) item.push(extra);
    return item;
  });
  return {
    text: `UPDATE ${tables.idempotency} AS i
      SET doc = (i.doc - 'leaseOwner' - 'leaseExpiresAt')
        || jsonb_build_object('state', s.v->1, 'finishedBy', (s.v->>2) || (e.v->>2), 'updatedAt', e.v->3)
        || coalesce(e.v->4, '{}'::jsonb)
      FROM jsonb_array_elements($1::jsonb) AS e(v)
      CROSS JOIN LATERAL (SELECT $2::jsonb -> ((e.v->>0)::int)) AS s(v)
      WHERE i.scope = s.v->>0 AND i.key = e.v->>1
        AND i.doc->>'state' = 'IN_PROGRESS' AND i.doc->>'leaseOwner' = (s.v->>2) || (e.v->>2)
      RETURNING i.scope, i.key`,
    params: [jsonParam(items), jsonParam(shared)],
  };
}

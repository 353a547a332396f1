import { StoreError } from "../errors";
import type { TransactionalIdempotency } from "../store/types";
import type { IdempotencyQueries } from "./_idempotency-queries";
import { type Db, type Queryable, toStoreFailure } from "./_sql";

/** What identifies a database: the server's start, the database and our idempotency table. */
type Identity = { db: string; started: string; tbl: string | null };

const isQueryable = (client: unknown): client is Queryable =>
  typeof client === "object" &&
  client !== null &&
  "query" in client &&
  typeof (client as { query: unknown }).query === "function";

/**
 * The PostgreSQL store's {@link TransactionalIdempotency}: a target connector holding a `pg`
 * client on the same database completes a key in its own transaction. "Same database" is asked
 * of the server rather than read from connection strings (hosts, ports and poolers differ in
 * spelling): the same server start time, database and the OID of our idempotency table.
 */
export function transactionalIdempotency(
  db: Db,
  queries: Pick<IdempotencyQueries, "completeIdempotencyKeyOn">,
): TransactionalIdempotency {
  const identitySql = `SELECT current_database() AS db, pg_postmaster_start_time()::text AS started,
    to_regclass($1)::oid::text AS tbl`;
  let own: Promise<Identity> | undefined;
  const ownIdentity = (): Promise<Identity> => {
    own ??= db.query<Identity>("sameDatabase", identitySql, [db.tables.idempotency]).then((r) => r.rows[0]!);
    own.catch(() => (own = undefined));
    return own;
  };
  const equal = (a: Identity, b: Identity): boolean =>
    a.tbl !== null && a.db === b.db && a.started === b.started && a.tbl === b.tbl;

  return {
    engine: "postgres",
    async sameDatabase(client) {
      if (!isQueryable(client)) return false;
      // Ours first: it migrates the store, so a fresh database has our table before we look.
      const mine = await ownIdentity();
      let theirs: Identity | undefined;
      try {
        theirs = (await client.query<Identity>(identitySql, [db.tables.idempotency])).rows[0];
      } catch (error) {
        throw toStoreFailure(error, "sameDatabase");
      }
      if (theirs === undefined) return false;
      if (equal(mine, theirs)) return true;
      // The server may have restarted since we asked ourselves: ask once more before saying no.
      own = undefined;
      return equal(await ownIdentity(), theirs);
    },
    async completeIdempotencyKeyWith(client, outcome) {
      if (!isQueryable(client)) {
        throw new StoreError("postgres store: completeIdempotencyKeyWith needs a pg client (with query())");
      }
      try {
        await queries.completeIdempotencyKeyOn(client, outcome);
      } catch (error) {
        throw toStoreFailure(error, "completeIdempotencyKeyWith");
      }
    },
  };
}

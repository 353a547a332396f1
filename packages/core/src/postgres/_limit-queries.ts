import type { Pool } from "pg";
import { RateLimiterPostgres } from "rate-limiter-flexible";
import type { LimitBackend, SlotLease } from "../runs/limits/limit-backend";
import { rateWindows } from "../runs/limits/rate-windows";
import type { Db } from "./_sql";

/**
 * Record limits on the store's database (migration 7): a slot is a numbered row of
 * `limit_slots` under a lease of the database's clock; rates count in `limit_rates` through
 * rate-limiter-flexible.
 */
export function postgresLimitBackend(db: Db, pool: () => Promise<Pool>): LimitBackend {
  const slots = `${db.tables.schema}.limit_slots`;
  let rates: Promise<(key: string, perSecond: number) => Promise<number>> | undefined;
  // Made on first use, on the migrated pool; a failure (database down) is retried by the next call.
  const getRates = (): Promise<(key: string, perSecond: number) => Promise<number>> => {
    rates ??= pool().then((client) =>
      rateWindows(
        (perSecond) =>
          new RateLimiterPostgres({
            storeClient: client,
            storeType: "pool",
            schemaName: db.tables.schema.slice(1, -1),
            tableName: "limit_rates",
            // The table comes with the store's migrations.
            tableCreated: true,
            keyPrefix: `rps${perSecond}`,
            points: perSecond,
            duration: 1,
          }),
      ),
    );
    rates.catch(() => (rates = undefined));
    return rates;
  };
  return {
    kind: "postgres",
    async tryTakeSlot(key, limit, holder, leaseMs) {
      // A free or expired slot, picked at random so racing workers seldom pick the same; two that
      // do meet on the primary key and
      // the loser gets no row (it tries again), so a key never has more than `limit` holders.
      const taken = await db.query<{ slot: number }>(
        "takeLimitSlot",
        `INSERT INTO ${slots} AS held (limit_key, slot, holder, expires_at)
         SELECT $1, s, $2, now() + $4 * interval '1 millisecond'
           FROM generate_series(0, $3::integer - 1) AS s
          WHERE NOT EXISTS (SELECT 1 FROM ${slots} x WHERE x.limit_key = $1 AND x.slot = s AND x.expires_at > now())
          ORDER BY random() LIMIT 1
         ON CONFLICT (limit_key, slot) DO UPDATE
            SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
          WHERE held.expires_at <= now()
         RETURNING slot`,
        [key, holder, limit, leaseMs],
      );
      const slot = taken.rows[0]?.slot;
      return slot === undefined ? undefined : { key, holder, slot };
    },
    async renewSlots(leases: readonly SlotLease[], leaseMs) {
      if (leases.length === 0) return;
      await db.query(
        "renewLimitSlots",
        `UPDATE ${slots} SET expires_at = now() + $4 * interval '1 millisecond'
          FROM unnest($1::text[], $2::integer[], $3::text[]) AS mine(limit_key, slot, holder)
         WHERE ${slots}.limit_key = mine.limit_key AND ${slots}.slot = mine.slot
           AND ${slots}.holder = mine.holder`,
        [leases.map((l) => l.key), leases.map((l) => l.slot), leases.map((l) => l.holder), leaseMs],
      );
    },
    async releaseSlot(lease) {
      await db.query(
        "releaseLimitSlot",
        `DELETE FROM ${slots} WHERE limit_key = $1 AND slot = $2 AND holder = $3`,
        [lease.key, lease.slot, lease.holder],
      );
    },
    async takeRate(key, perSecond) {
      return (await getRates())(key, perSecond);
    },
  };
}

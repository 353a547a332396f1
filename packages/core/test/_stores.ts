import pg from "pg";
import { memoryStore, type Store } from "../src/index";
import { postgresStore } from "../src/postgres/index";
import { checkTestService } from "../src/testing/index";

/** A way to make a fresh store for one test, and to clean up after all of them. */
export interface StoreFactory {
  name: string;
  make: () => Promise<Store>;
  skip: string | false;
  cleanup: () => Promise<void>;
}

/**
 * The stores the runtime tests run on: memory always, PostgreSQL when reachable (under CI=true it
 * must be). Each PostgreSQL store gets a schema of its own, dropped by `cleanup`.
 */
export async function storeFactories(): Promise<StoreFactory[]> {
  const service = await checkTestService("postgres");
  const schemas: string[] = [];
  return [
    { name: "memory", make: async () => memoryStore(), skip: false, cleanup: async () => {} },
    {
      name: "postgres",
      skip: service.skip,
      make: async () => {
        const schema = `synapseops_rt_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
        schemas.push(schema);
        return postgresStore({ connectionString: service.url }, { schema });
      },
      cleanup: async () => {
        if (schemas.length === 0) return;
        const client = new pg.Client({ connectionString: service.url });
        await client.connect();
        try {
          for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    },
  ];
}

// issue 16: the store contract suite against the built packages, as hosts install them.
import { randomUUID } from "node:crypto";
import { memoryStore } from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { checkTestService, testStore } from "@synapseops/core/testing";
import pg from "pg";
import { afterAll } from "vitest";

const service = await checkTestService("postgres");
const schemas: string[] = [];

afterAll(async () => {
  if (schemas.length === 0 || service.skip) return;
  const client = new pg.Client({ connectionString: service.url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
});

testStore("memory (built)", () => memoryStore());
testStore(
  "postgres (built)",
  () => {
    const schema = `synapseops_built_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    schemas.push(schema);
    return postgresStore({ connectionString: service.url }, { schema });
  },
  { skip: service.skip },
);

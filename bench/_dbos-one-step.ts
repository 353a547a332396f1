/**
 * DBOS as the durable benches run it: one workflow of one step (the record's effect, which counts
 * itself), on a system database of its own. DBOS is one per process: launch one at a time.
 */
import { DBOS } from "@dbos-inc/dbos-sdk";

/** `adminUrl` with its database replaced by `database`. */
export function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Registers the one-step workflow as `name` (a name per use: a process may register several),
 * launches DBOS on `systemDatabaseUrl` with `pool` connections, and returns the workflow and the
 * count of effects run so far.
 */
export async function launchOneStepDbos(name: string, systemDatabaseUrl: string, pool: number) {
  let effects = 0;
  const effect = async (id: string): Promise<string> => {
    effects += 1;
    return id;
  };
  const workflow = DBOS.registerWorkflow(
    async (id: string) => DBOS.runStep(() => effect(id), { name: "effect" }),
    { name },
  );
  DBOS.setConfig({
    name: "synapseops-bench",
    systemDatabaseUrl,
    systemDatabasePoolSize: pool,
    logLevel: "error",
    runAdminServer: false,
  });
  await DBOS.launch();
  return { workflow, effects: () => effects };
}

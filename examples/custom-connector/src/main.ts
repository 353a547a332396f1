/**
 * A host registering a third-party connector: it creates a runtime with `ticketDesk()`, adds a
 * connector ref (config checked by the plugin's schema), runs a connection test, reads tickets
 * page by page with a cursor and writes one with an idempotency key.
 */
import { memorySecrets } from "@synapseops/connectors";
import { createRuntime, SynapseError } from "@synapseops/core";
import { startFakeTicketDesk, ticketDesk } from "./index";

const print = (title: string, value: unknown): void => {
  process.stdout.write(
    `\n== ${title}\n${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`,
  );
};

const desk = await startFakeTicketDesk("desk-key-123");
const secrets = memorySecrets({ TICKET_DESK_KEY: "desk-key-123" });
const runtime = createRuntime({ connectors: [ticketDesk()], secrets, actor: "example" });
const connectors = runtime.connectors;

try {
  const project = await runtime.projects.create({ name: "Helpdesk sync" });

  // 1. A config that fails the plugin's schema is refused with the path of the field.
  try {
    await runtime.connectorRefs.put(project.id, {
      type: "ticket-desk",
      name: "Desk",
      config: { url: desk.url, pageSize: 500 },
    });
  } catch (error) {
    if (error instanceof SynapseError) print("bad config refused", error.toJSON());
  }

  // 2. A good ref, its connection test and a test with a wrong key.
  const ref = await runtime.connectorRefs.put(project.id, {
    type: "ticket-desk",
    name: "Desk",
    config: { url: desk.url, pageSize: 20 },
    secrets: { apiKey: "TICKET_DESK_KEY" },
  });
  print("connection test", await connectors.test(ref.id));
  secrets.set("TICKET_DESK_KEY", "wrong", { environment: "broken" });
  await runtime.environments.put(project.id, { name: "broken" });
  const failed = await connectors.test(ref.id, { environment: "broken" });
  print("connection test with a wrong key", { ok: failed.ok, error: failed.error });

  // 3. Read with a cursor, as a source poll would; then write with an idempotency key, twice.
  const { connector, config, context } = await connectors.prepare(ref.id);
  const pages: Array<{ count: number; cursor: unknown }> = [];
  for await (const batch of connector.read!(config, context, {})) {
    pages.push({ count: batch.records.length, cursor: batch.cursor ?? null });
  }
  print("read pages", pages);
  const written = [];
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    written.push(
      await connector.write!(
        config,
        { subject: "Printer on fire" },
        { ...context, attempt, idempotencyKey: "order-77" },
      ),
    );
  }
  print("write twice with one idempotency key", { results: written, ticketsCreated: desk.created.size });
} finally {
  await desk.close();
  await runtime.close();
}

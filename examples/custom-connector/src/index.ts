/**
 * `@synapseops/example-custom-connector`: the TicketDesk connector, a third-party plugin.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@synapseops/core";
 * import { ticketDesk } from "@synapseops/example-custom-connector";
 * const runtime = createRuntime({ connectors: [ticketDesk()] });
 * ```
 * @module
 */
export type { FakeTicketDesk } from "./fake-ticket-desk";
export { startFakeTicketDesk } from "./fake-ticket-desk";
export type { Ticket } from "./ticket-desk-connector";
export { TicketDeskConfig, ticketDesk } from "./ticket-desk-connector";

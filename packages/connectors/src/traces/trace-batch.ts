import { Trace } from "@synapseops/core";
import { z } from "zod";

/**
 * A trace as the recorder ships it: redacted, without the fields the collector adds
 * (`receivedAt`, `conformance`).
 */
export const RecordedTrace = Trace.omit({ receivedAt: true, conformance: true });
/** A trace as the recorder ships it (redacted; the collector adds `receivedAt` and `conformance`). */
export type RecordedTrace = z.infer<typeof RecordedTrace>;

/**
 * The body of one delivery to a collector: a JSON object POSTed with the Standard Webhooks
 * headers (`webhook-id` is the batch id, the same for every retry of this batch).
 */
export const TraceBatch = z.object({
  /** The batch id (`tbat_…`), also sent as `webhook-id`; collectors dedupe deliveries on it. */
  id: z.string().min(1).max(128),
  /** When this attempt was sent (ISO 8601). */
  sentAt: z.iso.datetime(),
  /** Traces the shipper dropped (buffer full, collector refusing) since its previous delivered batch. */
  dropped: z.int().min(0),
  traces: z.array(RecordedTrace).min(1),
});
/** The body of one delivery to a collector. */
export type TraceBatch = z.infer<typeof TraceBatch>;

/**
 * The request header that keeps a request out of traces. The shipper sends it with its own
 * deliveries, so a recorder installed on the global dispatcher does not record them (and loop).
 */
export const NO_TRACE_HEADER = "x-synapseops-no-trace";

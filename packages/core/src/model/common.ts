import { z } from "zod";

/** An ISO 8601 timestamp in UTC, as `Date.prototype.toISOString` writes it. */
export const Timestamp = z.iso.datetime();
/** An entity id. */
export const Id = z.string().min(1).max(128);
/** A human-readable name. */
export const Name = z.string().trim().min(1).max(200);
/** A JSON Schema document (draft 2020-12 unless `$schema` says otherwise). */
export const JsonSchemaDocument = z.record(z.string(), z.unknown());
/** A JSONata expression, stored as text and compiled by the mapping engine. */
export const Expression = z.string().trim().min(1).max(100_000);
/** An actor: who did something (a user id, a service name). */
export const Actor = z.string().min(1).max(200);

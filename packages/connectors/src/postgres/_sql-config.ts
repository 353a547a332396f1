import { z } from "zod";

/** A plain SQL identifier: letters, digits and `_`, not starting with a digit. */
export const SqlIdentifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a plain identifier (letters, digits, _)");

/** A table name, optionally schema-qualified (`public.orders`). */
export const SqlTableName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/,
    "must be a table name, optionally schema-qualified (schema.table)",
  );

/** How a SQL source reads: by an increasing cursor column, in batches. */
export const SqlReadConfig = z.object({
  cursorColumn: SqlIdentifier.meta({
    description:
      "Column that orders rows and resumes reads: unique and increasing (a serial id, a ULID). Reads continue after the last value read.",
  }),
  batchSize: z.int().min(1).max(50_000).default(500).meta({ description: "Rows per batch." }),
  mode: z.enum(["backfill", "incremental"]).default("backfill").meta({
    description:
      "Where a read without a stored cursor starts: `backfill` from the first row, `incremental` after the last row present now. Both resume from a stored cursor.",
  }),
  columns: z
    .array(SqlIdentifier)
    .min(1)
    .optional()
    .meta({ description: "Columns to select; all when absent. Must include the cursor column." }),
});
/** How a SQL source reads. */
export type SqlReadConfig = z.output<typeof SqlReadConfig>;

/** How a SQL target writes. */
export const SqlWriteConfig = z
  .object({
    mode: z.enum(["insert", "upsert"]).default("insert").meta({
      description: "`insert` adds rows; `upsert` updates the row that has the same `conflictKey`.",
    }),
    conflictKey: z.array(SqlIdentifier).min(1).optional().meta({
      description: "Columns of the unique key an upsert matches on. Required for `upsert`.",
    }),
    idempotencyColumn: SqlIdentifier.optional().meta({
      description:
        "Column (with a unique index) that receives the record's idempotency key; a retried write with the same key changes nothing.",
    }),
    batchSize: z
      .int()
      .min(1)
      .max(10_000)
      .default(1000)
      .meta({ description: "Most rows per statement in `writeBatch`." }),
  })
  .refine((write) => write.mode !== "upsert" || write.conflictKey !== undefined, {
    message: "upsert needs a conflictKey",
    path: ["conflictKey"],
  });
/** How a SQL target writes. */
export type SqlWriteConfig = z.output<typeof SqlWriteConfig>;

/** What the postgres and mysql connectors share: a table read by cursor and written by insert/upsert. */
export const SqlTableConfig = z.object({
  connectionString: z.string().min(1).meta({
    description:
      "Connection URL (`postgres://user@host:5432/db`, `mysql://user@host:3306/db`). A `password` secret, when resolved, overrides the URL's password.",
  }),
  table: SqlTableName.meta({ description: "The table read from and written to." }),
  read: SqlReadConfig.optional().meta({ description: "Enables `read`; absent: the connector only writes." }),
  write: SqlWriteConfig.default({ mode: "insert", batchSize: 1000 }).meta({
    description: "How `write` and `writeBatch` apply records.",
  }),
});
/** The config of a SQL table connector ref. */
export type SqlTableConfig = z.output<typeof SqlTableConfig>;
/**
 * The config of a SQL table connector ref (postgres, mysql), as written in a ref (defaults
 * optional): what `connectorRefs.put` takes for `type: "postgres"` or `"mysql"`.
 */
export interface SqlTableConnectorConfig extends z.input<typeof SqlTableConfig> {}
/** The config of a SQL table connector ref, as written. Same as {@link SqlTableConnectorConfig}. */
export type SqlTableConfigInput = SqlTableConnectorConfig;

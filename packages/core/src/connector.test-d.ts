// Type-level tests, run by vitest's typecheck (`*.test-d.ts`) and by `tsc -p .`.
import { expectTypeOf } from "vitest";
import { z } from "zod";
import { type Connector, connectorRegistry, defineConnector, type WriteContext } from "./connector";

const crm = defineConnector({
  type: "crm",
  version: "1.0.0",
  configSchema: z.object({
    url: z.url(),
    pageSize: z.int().default(50),
    mode: z.enum(["a", "b"]).optional(),
  }),
  capabilities: {
    async write(config, _record, context) {
      expectTypeOf(config).toEqualTypeOf<{ url: string; pageSize: number; mode?: "a" | "b" | undefined }>();
      expectTypeOf(context).toEqualTypeOf<WriteContext>();
      expectTypeOf(context.idempotencyKey).toEqualTypeOf<string | undefined>();
      return config.url;
    },
    async *read(config, _context, options) {
      expectTypeOf(config.pageSize).toEqualTypeOf<number>();
      yield { records: [], cursor: options.cursor };
    },
    async subscribe(config, _context, deliver) {
      expectTypeOf(config.url).toEqualTypeOf<string>();
      await deliver({ records: [] });
      return { close: async () => {} };
    },
  },
});

// The config type flows out of the schema (its output: defaults applied).
// Its literal type name and its input (what a ref writes: defaults optional) flow out too.
expectTypeOf(crm).toEqualTypeOf<
  Connector<
    { url: string; pageSize: number; mode?: "a" | "b" | undefined },
    "crm",
    { url: string; pageSize?: number | undefined; mode?: "a" | "b" | undefined }
  >
>();
expectTypeOf(crm.parseConfig).returns.toEqualTypeOf<{
  url: string;
  pageSize: number;
  mode?: "a" | "b" | undefined;
}>();

// A typed connector registers where untyped ones are expected.
connectorRegistry([crm]);
const widened: Connector = crm;
void widened;

defineConnector({
  type: "bad",
  version: "1.0.0",
  configSchema: z.object({ url: z.string() }),
  capabilities: {
    async write(config) {
      // @ts-expect-error — not in the schema
      return config.missing;
    },
  },
});

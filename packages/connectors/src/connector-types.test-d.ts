// Type-level tests: built-in connectors type `connectorRefs.put` (issue 18, "mistakes that type-check").
import { createRuntime } from "@synapseops/core";
import { expectTypeOf } from "vitest";
import type { HttpConnectorConfig } from "./http/config";
import { http } from "./http/http-connector";
import { memory } from "./memory";
import { openapi } from "./openapi/openapi-connector";
import { postgres } from "./postgres/postgres-connector";

declare const p: string;
const runtime = createRuntime({ connectors: [http(), postgres()] });

void runtime.connectorRefs.put(p, { type: "http", name: "ERP", config: { baseUrl: "https://erp.example" } });
void runtime.connectorRefs.put(p, {
  type: "postgres",
  name: "warehouse",
  config: { connectionString: "postgres://app@db/shop", table: "orders", write: { mode: "upsert" } },
});

// issue 18: the report's own example — a misspelt type and a config key no connector has.
// @ts-expect-error — "htttp" is not a registered connector type (and no connector has "chanel")
void runtime.connectorRefs.put(p, { type: "htttp", name: "x", config: { chanel: "x" } });
void runtime.connectorRefs.put(p, {
  type: "http",
  name: "x",
  // @ts-expect-error — the http config has no "chanel"
  config: { chanel: "x" },
});
void runtime.connectorRefs.put(p, {
  type: "postgres",
  name: "x",
  // @ts-expect-error — write.mode is "insert" or "upsert"
  config: { connectionString: "postgres://db", table: "t", write: { mode: "merge" } },
});
// @ts-expect-error — a postgres ref needs its connection string and table
void runtime.connectorRefs.put(p, { type: "postgres", name: "x" });
void runtime.connectorRefs.put(p, {
  // @ts-expect-error — memory() is not registered in this runtime
  type: "memory",
  name: "x",
});

// The config type carries its own name (HttpConnectorConfig), not z.input<…>.
expectTypeOf(http().configSchema).toHaveProperty("_zod");
expectTypeOf<HttpConnectorConfig>().toHaveProperty("baseUrl");
expectTypeOf(http()).toHaveProperty("type").toEqualTypeOf<"http">();

// A renamed http or openapi connector registers under its own name.
const erp = createRuntime({ connectors: [http({ type: "erp" }), memory()] });
void erp.connectorRefs.put(p, { type: "erp", name: "ERP" });
void erp.connectorRefs.put(p, { type: "memory", name: "M", config: { channel: "orders" } });
void erp.connectorRefs.put(p, {
  // @ts-expect-error — the http connector is registered as "erp" here
  type: "http",
  name: "ERP",
});
const petstore = openapi({
  document: { openapi: "3.1.0", info: { title: "t", version: "1" }, paths: {} },
  type: "pets",
});
expectTypeOf(petstore.type).toEqualTypeOf<"pets">();

// Type-level tests of createRuntime's connector typing (issue 18: mistakes that type-check).
import { expectTypeOf } from "vitest";
import { z } from "zod";
import { type Connector, defineConnector } from "./connector";
import type { ConnectorRefInput } from "./model/connector-ref";
import { createRuntime, type Runtime } from "./runtime";

const crm = defineConnector({
  type: "crm",
  version: "1.0.0",
  configSchema: z.object({ url: z.url(), pageSize: z.int().default(50) }),
  capabilities: { write: async () => undefined },
});
const queue = defineConnector({
  type: "queue",
  version: "1.0.0",
  configSchema: z.object({ channel: z.string().default("main") }),
  capabilities: { write: async () => undefined },
});

declare const projectId: string;
const runtime = createRuntime({ connectors: [crm, queue] });

// The registered types with their own configs compile.
void runtime.connectorRefs.put(projectId, {
  type: "crm",
  name: "CRM",
  config: { url: "https://crm.example" },
});
void runtime.connectorRefs.put(projectId, { type: "queue", name: "Q", config: { channel: "orders" } });
// A config whose every field has a default may be left out.
void runtime.connectorRefs.put(projectId, { type: "queue", name: "Q" });

// issue 18: a misspelt type name fails to compile.
void runtime.connectorRefs.put(projectId, {
  // @ts-expect-error — "crmm" is not a registered connector type
  type: "crmm",
  name: "CRM",
});
// issue 18: a misspelt config key fails to compile.
void runtime.connectorRefs.put(projectId, {
  type: "queue",
  name: "Q",
  // @ts-expect-error — "chanel" is not in the queue connector's config
  config: { chanel: "x" },
});
// A config of the wrong connector fails too.
void runtime.connectorRefs.put(projectId, {
  type: "crm",
  name: "CRM",
  // @ts-expect-error — crm needs `url`; `channel` is the queue connector's
  config: { channel: "x" },
});
// A required config field left out fails.
// @ts-expect-error — crm's config needs `url`
void runtime.connectorRefs.put(projectId, { type: "crm", name: "C", config: {} });
// A wrongly typed value fails.
void runtime.connectorRefs.put(projectId, {
  type: "crm",
  name: "CRM",
  // @ts-expect-error — pageSize is a number
  config: { url: "https://crm.example", pageSize: "50" },
});

// A typed runtime is still a Runtime, for functions taking any runtime.
const anyRuntime: Runtime = runtime;
void anyRuntime;

// Without connectors, refs are checked at run time only: any type, any config.
const untyped = createRuntime();
expectTypeOf(untyped.connectorRefs.put).parameter(1).toEqualTypeOf<ConnectorRefInput>();

// A list built at run time (connectors known as `Connector`) falls back to strings too.
declare const dynamic: Connector[];
const fromList = createRuntime({ connectors: dynamic });
void fromList.connectorRefs.put(projectId, { type: "anything", name: "A", config: { any: 1 } });
expectTypeOf(fromList.connectorRefs.put).parameter(1).toEqualTypeOf<ConnectorRefInput>();

// An array (not a tuple) of typed connectors is still checked by its element types.
const list = [crm, queue];
const fromArray = createRuntime({ connectors: list });
void fromArray.connectorRefs.put(projectId, {
  // @ts-expect-error — "crmm" is not one of the list's types
  type: "crmm",
  name: "CRM",
});

export { orderSchema, salesOrderSchema, sampleOrders } from "./fixtures";
export { serviceOpenApiDocument } from "./routes/meta";
export type { SandboxChannel, SandboxTarget } from "./sandbox-target";
export { sandboxTarget } from "./sandbox-target";
export type { BuildServerOptions, RouteEntry } from "./server";
export { buildServer } from "./server";
export type { ServiceContext } from "./service-context";
export type { ServiceRuntime, ServiceRuntimeOptions } from "./service-runtime";
export { createServiceRuntime } from "./service-runtime";

/**
 * Test helpers for store and plugin authors: the shared store contract suite, entity fixtures
 * and the check for real test services. Imported as ESM, the suites run on `vitest`; loaded
 * with `require()`, they run on the test runner's globals (`describe`, `it`, `expect`,
 * `beforeAll`, `afterAll`: Jest's, or vitest's with `globals: true`).
 *
 * @example
 * ```ts
 * import { testStore } from "@synapseops/core/testing";
 * testStore("my-store", () => myStore());
 * ```
 * @module
 */

export type { ConnectorContractOptions } from "./connector-contract";
export { connectorTestContext, testConnector } from "./connector-contract";
export {
  sampleAudit,
  sampleBlueprint,
  sampleBody,
  sampleProject,
  sampleRun,
  sampleTestRun,
  sampleTrace,
} from "./fixtures";
export type { ServiceCheck, TestService } from "./services";
export { checkTestService, TEST_SERVICES } from "./services";
export type { StoreContractOptions } from "./store-contract";
export { testStore } from "./store-contract";

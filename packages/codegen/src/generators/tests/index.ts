export { testsDefaults } from "./config";
export type { ContractCase } from "./generator";
export { contractCase, generateContractTests, testsGenerator } from "./generator";
export type { TestsOptions } from "./types";

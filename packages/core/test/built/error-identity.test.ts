// issue 16: the built packages must keep one identity per error class across their entry
// points (and across their ESM and CJS builds), or the executor misreads store outages,
// compare-and-set conflicts and connector errors. This file runs in the `built` project only.
import { createRequire } from "node:module";
import {
  ConflictError,
  ConnectorError,
  createRuntime,
  memoryStore,
  NotFoundError,
  StoreError,
  SynapseError,
  ValidationError,
} from "@synapseops/core";
import { postgresStore } from "@synapseops/core/postgres";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type CoreModule = typeof import("@synapseops/core");

describe("error identity in the built packages", () => {
  it("resolves @synapseops/core to dist/, not to sources", () => {
    expect(import.meta.resolve("@synapseops/core")).toMatch(/\/packages\/core\/dist\/index\.js$/);
  });

  it("an error thrown by the postgres entry is an instance of the main entry's classes", async () => {
    // A schema name the store refuses: thrown from code that the postgres entry bundles.
    const error = (() => {
      try {
        postgresStore({ connectionString: "postgres://127.0.0.1:1/none" }, { schema: 'bad"name' });
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(SynapseError);
    expect((error as SynapseError).code).toBe("INVALID_INPUT");
  });

  it("an error made by the CJS build is an instance of the ESM build's classes, and back", () => {
    const cjs = require("@synapseops/core") as CoreModule;
    expect(cjs.SynapseError).not.toBe(SynapseError); // two copies of the class in one process
    const fromCjs = new cjs.ValidationError("bad input", { path: "/x" });
    expect(fromCjs).toBeInstanceOf(ValidationError);
    expect(fromCjs).toBeInstanceOf(SynapseError);
    expect(fromCjs).not.toBeInstanceOf(ConflictError);
    expect(fromCjs).not.toBeInstanceOf(StoreError);
    const fromEsm = new ConnectorError("target answered 503", { retryable: true });
    expect(fromEsm).toBeInstanceOf(cjs.ConnectorError);
    expect(fromEsm).toBeInstanceOf(cjs.SynapseError);
    expect(fromEsm).not.toBeInstanceOf(cjs.ValidationError);
    expect(new cjs.NotFoundError("run", "run_x")).toBeInstanceOf(NotFoundError);
  });

  it("plain errors and look-alikes are not SynapseErrors", () => {
    expect(new Error("x")).not.toBeInstanceOf(SynapseError);
    expect({ name: "ValidationError", code: "INVALID_INPUT" }).not.toBeInstanceOf(ValidationError);
    expect(null).not.toBeInstanceOf(SynapseError);
  });

  it("a runtime from the main entry reports a missing entity with the main entry's class", async () => {
    const runtime = createRuntime({ store: memoryStore() });
    const error = await runtime.projects.get("prj_missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    await runtime.close();
  });
});

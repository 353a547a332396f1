// issue 18: `@synapseops/core/testing` loads with require(), and its CommonJS build runs the
// contract suites on the runner's globals (Jest's; here vitest's, put on globalThis the way
// `globals: true` does). This file runs in the `built` project only.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type Testing = typeof import("@synapseops/core/testing");
type Core = typeof import("@synapseops/core");

const testing = require("@synapseops/core/testing") as Testing;
const core = require("@synapseops/core") as Core;

describe("@synapseops/core/testing from require()", () => {
  it("loads from dist/testing.cjs with every export", () => {
    expect(require.resolve("@synapseops/core/testing")).toMatch(/\/packages\/core\/dist\/testing\.cjs$/);
    expect(typeof testing.testStore).toBe("function");
    expect(typeof testing.testConnector).toBe("function");
    expect(typeof testing.checkTestService).toBe("function");
  });

  it("says which global it needs when the runner defines none", () => {
    const saved = (globalThis as Record<string, unknown>).describe;
    delete (globalThis as Record<string, unknown>).describe;
    try {
      expect(() => testing.testStore("no runner", () => core.memoryStore())).toThrow(/global "describe"/);
    } finally {
      if (saved !== undefined) (globalThis as Record<string, unknown>).describe = saved;
    }
  });
});

// The runner's globals, as Jest (or vitest with globals: true) defines them.
Object.assign(globalThis, { describe, it, expect, beforeAll, afterAll });
testing.testStore("memory, contract from the CJS build", () => core.memoryStore());

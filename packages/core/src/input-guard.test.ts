import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkInput,
  createRuntime,
  encodeCursor,
  memoryStore,
  type Runtime,
  STORE_INT_MAX,
  type Store,
  ValidationError,
} from "./index";
import { postgresStore } from "./postgres/index";
import { sampleBody } from "./testing/fixtures";
import { checkTestService } from "./testing/services";

/** Nests `{ a: … }` `levels` deep without recursion, as a hostile JSON body would arrive. */
function nested(levels: number): unknown {
  let value: unknown = "leaf";
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

/** What a call rejected with: a ValidationError is expected, anything else fails the test. */
async function refusal(call: Promise<unknown>): Promise<ValidationError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ValidationError))
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error;
}

describe("checkInput", () => {
  it("points at NUL, lone surrogates and unsafe keys, and accepts paired surrogates", () => {
    expect(() => checkInput({ items: ["ok", "a\u0000b"] })).toThrow(/\/items\/1 contains a NUL/);
    expect(() => checkInput({ name: "x\uD800" }, { pathPrefix: "/body" })).toThrowError(
      expect.objectContaining({ path: "/body/name", code: "INVALID_INPUT" }),
    );
    expect(() => checkInput({ "k\uDC00": 1 })).toThrowError(expect.objectContaining({ path: "/k\uDC00" }));
    expect(() => checkInput({ emoji: "😀 ünïcödé ‮" })).not.toThrow();
    // A dictionary whose prototype has no prototype (how query-string parsers build them) is walked too.
    const Dictionary = function Dictionary(): void {};
    Dictionary.prototype = Object.create(null);
    const query = Object.assign(new (Dictionary as unknown as new () => object)(), { cursor: "\u0000" });
    expect(() => checkInput(query)).toThrow(/\/cursor contains a NUL/);
    expect(() => checkInput(new Date(0))).not.toThrow();
  });

  it("refuses nesting past maxDepth without overflowing the stack itself", () => {
    expect(() => checkInput(nested(100_000))).toThrow(/nests deeper than 128 levels/);
    expect(() => checkInput(nested(10), { maxDepth: 10 })).not.toThrow();
    expect(() => checkInput(nested(11), { maxDepth: 10 })).toThrow(ValidationError);
  });
});

const postgres = await checkTestService("postgres");
const schemas: string[] = [];
afterAll(async () => {
  if (postgres.skip || schemas.length === 0) return;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

// issue 16: the same hostile input reached PostgreSQL (a 5xx in the service) but not the memory store.
describe.each([
  { kind: "memory", skip: false, store: (): Store => memoryStore() },
  {
    kind: "postgres",
    skip: postgres.skip,
    store: (): Store => {
      const schema = `synapseops_test_guard_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      schemas.push(schema);
      return postgresStore({ connectionString: postgres.url }, { schema });
    },
  },
])("a runtime on the $kind store refuses hostile input with a typed error", ({ skip, store }) => {
  it.skipIf(skip)("ids, strings, integers, cursors and nesting", async () => {
    const runtime: Runtime = createRuntime({ store: store(), inputLimits: { maxDepth: 64 } });
    try {
      const project = await runtime.projects.create({ name: "guarded" });
      const blueprint = await runtime.blueprints.create(project.id, { name: "orders", body: sampleBody() });

      expect((await refusal(runtime.projects.get("prj_\u0000"))).message).toMatch(
        /argument 1 of projects\.get: \/ contains a NUL/,
      );
      expect((await refusal(runtime.blueprints.get("bp_\uD800x"))).message).toMatch(/lone UTF-16 surrogate/);
      expect((await refusal(runtime.projects.create({ name: "a\u0000" }))).path).toBe("/name");

      const revision = await refusal(runtime.blueprints.revisions.get(blueprint.id, STORE_INT_MAX + 1));
      expect(revision.path).toBe("/revision");
      expect((await refusal(runtime.blueprints.revisions.diff(blueprint.id, 1, 2 ** 31))).path).toBe("/to");
      expect((await refusal(runtime.blueprints.body(blueprint.id, -1))).path).toBe("/revision");
      // The largest storable revision is a plain "not found", not a store failure.
      await expect(runtime.blueprints.revisions.get(blueprint.id, STORE_INT_MAX)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      const edit = runtime.blueprints.edit(blueprint.id, { patch: {}, expectedRevision: 2 ** 31 });
      expect((await refusal(edit)).path).toBe("/expectedRevision");
      expect((await refusal(runtime.runs.events("run_x", { after: 2 ** 31 }))).path).toBe("/after");

      for (const cursor of [encodeCursor("prj_\u0000"), encodeCursor(2 ** 31), encodeCursor(1.5), "%%%"]) {
        const forged = await refusal(runtime.blueprints.revisions.list(blueprint.id, { cursor }));
        expect(forged.code).toBe("CURSOR_INVALID");
      }
      expect((await refusal(runtime.projects.list({ cursor: encodeCursor("\uDBFF") }))).path).toBe("/cursor");

      const deep = await refusal(runtime.projects.update(project.id, { description: nested(65) as string }));
      expect(deep.message).toMatch(/nests deeper than 64 levels/);
      expect(deep.path).toMatch(/^\/description(\/a)+$/);
    } finally {
      await runtime.close();
    }
  });
});

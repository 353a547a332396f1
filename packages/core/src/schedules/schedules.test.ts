// issue 20: runtime.schedules through the public API on the memory store, under a fake clock
// (vitest fake timers move setTimeout and Date together; runs still execute for real).
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineConnector } from "../connector";
import { ErrorCode, NotFoundError, ScheduleInvalidError, ValidationError } from "../errors";
import { createRuntime, type Runtime, type RuntimeOptions } from "../runtime";
import { memoryStore } from "../store/memory-store";
import { aesGcmPayloadCodec, isEncryptedPayload, staticKeyProvider } from "../store/payload-codec";
import type { Store } from "../store/types";
import type { MissedTickPolicy, OverlapPolicy, ScheduleFire } from "./schedule";
import { tickRunKey, tickTriggerDetail } from "./tick-firing";

const T0 = new Date("2026-03-01T00:00:00.000Z");

/** A target whose writes wait while `gate` is closed: a run of an earlier tick stays RUNNING. */
function gatedTarget() {
  let open = true;
  let release: () => void = () => {};
  let opened = Promise.resolve();
  const writes: unknown[] = [];
  const connector = defineConnector({
    type: "gated",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: {
      async write(_config, record) {
        if (!open) await opened;
        writes.push(record);
        return record;
      },
      async *read() {
        yield { records: [{ id: "polled" }], cursor: 1 };
      },
    },
  });
  return {
    connector,
    writes,
    close() {
      open = false;
      opened = new Promise((resolve) => {
        release = resolve;
      });
    },
    open() {
      open = true;
      release();
    },
  };
}

async function setup(
  store: Store = memoryStore(),
  gate = gatedTarget(),
  options: Partial<RuntimeOptions> = {},
) {
  const runtime = createRuntime({ ...options, store, connectors: [gate.connector] });
  const project = await runtime.projects.create({ name: "schedules" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "gated", name: "erp", config: {} });
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "nightly",
    body: {
      source: { connector: ref.id },
      target: { connector: ref.id },
      idempotencyKey: "id",
      steps: [{ id: "send", kind: "send", connector: ref.id }],
    },
  });
  await runtime.blueprints.approve(blueprint.id);
  return { runtime, store, gate, blueprintId: blueprint.id };
}

/** Lets runs started by fired ticks make progress (they run on real setImmediate). */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const seconds = (fires: ScheduleFire[], state?: ScheduleFire["state"]): number[] =>
  fires
    .filter((f) => state === undefined || f.state === state)
    .map((f) => (Date.parse(f.tick) - T0.getTime()) / 1000)
    .sort((a, b) => a - b);

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    now: T0,
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("runtime.schedules", () => {
  it("fires an interval schedule once per tick, each run keyed by its tick", async () => {
    const { runtime, blueprintId, gate } = await setup();
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "start", records: [{ id: "nightly" }] },
    });
    expect(schedule).toMatchObject({ paused: false, overlap: "skip", missedTicks: { policy: "latest" } });
    for (let s = 1; s <= 5; s += 1) {
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
    }
    const fires = await runtime.schedules.fires(schedule.id);
    expect(seconds(fires, "FIRED")).toEqual([1, 2, 3, 4, 5]);
    const runs = (await runtime.runs.list({ blueprintId })).items;
    expect(runs).toHaveLength(5);
    expect(new Set(runs.map((r) => r.idempotencyKey)).size).toBe(5);
    expect(new Set(fires.map((f) => f.runId))).toEqual(new Set(runs.map((r) => r.id)));
    // Each tick's record is new: the tick's key, not the blueprint's `id` expression, dedups it.
    expect(gate.writes).toHaveLength(5);
    await runtime.close();
  });

  it("polls the blueprint's source on a cron schedule in a time zone", async () => {
    const { runtime, blueprintId } = await setup();
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { cron: "*/10 * * * * *", timeZone: "Europe/Paris" },
      action: { kind: "poll" },
    });
    expect((await runtime.schedules.nextFireTimes(schedule.id, 3)).map((d) => d.toISOString())).toEqual([
      "2026-03-01T00:00:10.000Z",
      "2026-03-01T00:00:20.000Z",
      "2026-03-01T00:00:30.000Z",
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    const [fire] = await runtime.schedules.fires(schedule.id);
    expect(fire).toMatchObject({ state: "FIRED", tick: "2026-03-01T00:00:10.000Z" });
    const run = await runtime.runs.get(fire!.runId!);
    expect(run.trigger).toEqual({
      kind: "schedule",
      detail: tickTriggerDetail(schedule.id, "2026-03-01T00:00:10.000Z"),
    });
    await runtime.close();
  });

  describe("overlap policies", () => {
    const overlapping = async (overlap: OverlapPolicy) => {
      const context = await setup();
      const { runtime, blueprintId, gate } = context;
      const schedule = await runtime.schedules.create({
        blueprintId,
        timing: { everyMs: 1000 },
        action: { kind: "start" },
        overlap,
        missedTicks: { policy: "all", max: 10 },
      });
      gate.close();
      for (let s = 1; s <= 3; s += 1) {
        await vi.advanceTimersByTimeAsync(1000);
        await settle();
      }
      return { ...context, schedule };
    };

    it("skip: ticks during a running run are recorded SKIPPED", async () => {
      const { runtime, gate, schedule } = await overlapping("skip");
      let fires = await runtime.schedules.fires(schedule.id);
      expect(seconds(fires, "FIRED")).toEqual([1]);
      expect(seconds(fires, "SKIPPED")).toEqual([2, 3]);
      expect(fires.find((f) => f.state === "SKIPPED")?.reason).toMatch(/still RUNNING/);
      gate.open();
      await settle();
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
      fires = await runtime.schedules.fires(schedule.id);
      expect(seconds(fires, "FIRED")).toEqual([1, 4]);
      await runtime.close();
    });

    it("queue: ticks wait in the store and fire in order once the previous run ends", async () => {
      const { runtime, gate, schedule } = await overlapping("queue");
      let fires = await runtime.schedules.fires(schedule.id);
      expect(seconds(fires, "FIRED")).toEqual([1]);
      expect(seconds(fires, "PENDING")).toEqual([2, 3]);
      gate.open();
      // Queued ticks are looked at again every 200 ms: the backlog drains faster than ticks come.
      for (let step = 0; step < 15; step += 1) {
        await settle();
        await vi.advanceTimersByTimeAsync(200);
      }
      await settle();
      fires = await runtime.schedules.fires(schedule.id);
      expect(seconds(fires, "FIRED")).toEqual([1, 2, 3, 4, 5, 6]);
      const fired = fires.filter((f) => f.state === "FIRED").sort((a, b) => (a.tick < b.tick ? -1 : 1));
      // In tick order: each queued tick's run was created after the previous tick's.
      const created = await Promise.all(fired.map(async (f) => (await runtime.runs.get(f.runId!)).createdAt));
      expect([...created].sort()).toEqual(created);
      await runtime.close();
    });

    it("cancel: a new tick cancels the run still going and starts its own", async () => {
      const { runtime, gate, schedule } = await overlapping("cancel");
      const fires = await runtime.schedules.fires(schedule.id);
      expect(seconds(fires, "FIRED")).toEqual([1, 2, 3]);
      const byTick = new Map(fires.map((f) => [seconds([f])[0], f.runId!]));
      expect((await runtime.runs.get(byTick.get(1)!)).status).toBe("CANCELLED");
      expect((await runtime.runs.get(byTick.get(2)!)).status).toBe("CANCELLED");
      gate.open();
      expect((await runtime.runs.wait(byTick.get(3)!, { timeoutMs: 5000 })).status).toBe("SUCCEEDED");
      await runtime.close();
    });
  });

  it("catches up after downtime per missed-tick policy, when a worker starts again", async () => {
    const store = memoryStore();
    const first = await setup(store);
    const minute = 60_000;
    const make = (missedTicks: MissedTickPolicy) =>
      first.runtime.schedules.create({
        blueprintId: first.blueprintId,
        timing: { everyMs: 10 * minute },
        action: { kind: "start" },
        missedTicks,
      });
    const none = await make({ policy: "none" });
    const latest = await make({ policy: "latest" });
    const all = await make({ policy: "all", max: 4 });
    await vi.advanceTimersByTimeAsync(20 * minute);
    await settle();
    // Every worker down from minute 25 to minute 85: ticks 30–80 are due while nobody fires, and
    // tick 80 is missed too (more than a minute late).
    await vi.advanceTimersByTimeAsync(5 * minute);
    await first.runtime.close();
    vi.setSystemTime(new Date(T0.getTime() + 85 * minute));
    const worker = createRuntime({ store, connectors: [first.gate.connector], schedules: { fire: true } });
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    const fired = async (id: string) => seconds(await worker.schedules.fires(id), "FIRED").map((s) => s / 60);
    expect(await fired(none.id)).toEqual([10, 20]);
    expect(await fired(latest.id)).toEqual([10, 20, 80]);
    // With overlap "skip" (the default), catch-up ticks whose predecessor's run is still going are
    // SKIPPED: every one is claimed once either way.
    expect(seconds(await worker.schedules.fires(all.id)).map((s) => s / 60)).toEqual([
      10, 20, 50, 60, 70, 80,
    ]);
    expect(await fired(all.id)).toContain(50);
    // Back on time: every policy fires the next tick.
    await vi.advanceTimersByTimeAsync(5 * minute);
    await settle();
    for (const schedule of [none, latest, all]) expect((await fired(schedule.id)).at(-1)).toBe(90);
    await worker.close();
  });

  it("fires the tick on time under every policy when a worker comes back between frequent ticks", async () => {
    const store = memoryStore();
    const first = await setup(store);
    const schedule = await first.runtime.schedules.create({
      blueprintId: first.blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "start" },
      missedTicks: { policy: "none" },
    });
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    await first.runtime.close();
    vi.setSystemTime(new Date(T0.getTime() + 12_500));
    const worker = createRuntime({ store, connectors: [first.gate.connector], schedules: { fire: true } });
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    // Tick 12 is not missed at 12.5 s (tick 13 is not due yet): it fires; ticks 2–11 do not.
    expect(seconds(await worker.schedules.fires(schedule.id), "FIRED")).toEqual([1, 12]);
    await worker.close();
  });

  it("takes over a tick whose worker died: records the run it had started, or starts one", async () => {
    const { runtime, store, blueprintId } = await setup();
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "start" },
      overlap: "allow",
    });
    // A worker claimed ticks 1 and 2, started the run of tick 1, and died before recording it.
    const tick = (s: number) => new Date(T0.getTime() + s * 1000);
    for (const s of [1, 2]) {
      await store.claimScheduleTick({
        scheduleId: schedule.id,
        tick: tick(s),
        owner: "dead",
        leaseMs: 2000,
        now: T0,
      });
    }
    const orphan = await runtime.runs.start(blueprintId, {
      records: [{}],
      idempotencyKey: tickRunKey(schedule.id, tick(1).toISOString()),
    });
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(seconds(await runtime.schedules.fires(schedule.id), "PENDING")).toEqual([1, 2]);
    // At 2 s the dead worker's leases end: another worker takes both ticks over.
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    const fires = await runtime.schedules.fires(schedule.id);
    expect(seconds(fires, "FIRED")).toEqual([1, 2]);
    const byTick = new Map(fires.map((f) => [seconds([f])[0], f]));
    expect(byTick.get(1)).toMatchObject({ runId: orphan.id, attempts: 2 });
    expect(byTick.get(2)?.attempts).toBe(2);
    const runs = (await runtime.runs.list({ blueprintId })).items;
    const keys = runs.map((r) => r.idempotencyKey);
    expect(keys.filter((k) => k === tickRunKey(schedule.id, tick(1).toISOString()))).toHaveLength(1);
    expect(keys.filter((k) => k === tickRunKey(schedule.id, tick(2).toISOString()))).toHaveLength(1);
    await runtime.close();
  });

  /** A poll schedule whose tick at 10 s a worker claimed, polled (its run exists) and died before recording. */
  async function orphanedPollTick() {
    const { runtime, store, blueprintId } = await setup();
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { everyMs: 10_000 },
      action: { kind: "poll" },
      overlap: "allow",
    });
    const tick = new Date(T0.getTime() + 10_000);
    await store.claimScheduleTick({ scheduleId: schedule.id, tick, owner: "dead", leaseMs: 2000, now: T0 });
    const orphan = await runtime.runs.poll(blueprintId, {
      trigger: { kind: "schedule", detail: tickTriggerDetail(schedule.id, tick.toISOString()) },
    });
    return { runtime, blueprintId, schedule, orphan };
  }

  it("takes over a poll tick whose worker died after creating its run, without a second run", async () => {
    const { runtime, blueprintId, schedule, orphan } = await orphanedPollTick();
    expect(orphan).toBeDefined();
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    const fires = await runtime.schedules.fires(schedule.id);
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({ state: "FIRED", runId: orphan!.id, attempts: 2 });
    expect((await runtime.runs.list({ blueprintId })).items.map((r) => r.id)).toEqual([orphan!.id]);
    await runtime.close();
  });

  it("records a dead holder's run as FIRED even when the schedule was paused since", async () => {
    const { runtime, schedule, orphan } = await orphanedPollTick();
    // Paused after its run was created, before the takeover: the run exists, the tick is not SKIPPED.
    await runtime.schedules.pause(schedule.id);
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    const fires = await runtime.schedules.fires(schedule.id);
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({ state: "FIRED", runId: orphan!.id, attempts: 2 });
    await runtime.close();
  });

  it("takes over a multi-record start tick whose worker died after creating its run", async () => {
    const { runtime, store, blueprintId } = await setup();
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "start", records: [{ id: "a" }, { id: "b" }] },
      overlap: "allow",
    });
    const tick = new Date(T0.getTime() + 1000);
    await store.claimScheduleTick({ scheduleId: schedule.id, tick, owner: "dead", leaseMs: 2000, now: T0 });
    const orphan = await runtime.runs.start(blueprintId, {
      records: [{ id: "a" }, { id: "b" }],
      trigger: { kind: "schedule", detail: tickTriggerDetail(schedule.id, tick.toISOString()) },
    });
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    const fires = await runtime.schedules.fires(schedule.id);
    const first = fires.find((f) => f.tick === tick.toISOString());
    expect(first).toMatchObject({ state: "FIRED", runId: orphan.id, attempts: 2 });
    const runs = (await runtime.runs.list({ blueprintId })).items;
    const ofTick = runs.filter(
      (r) => r.trigger.detail === tickTriggerDetail(schedule.id, tick.toISOString()),
    );
    expect(ofTick.map((r) => r.id)).toEqual([orphan.id]);
    await runtime.close();
  });

  it("refuses a run trigger other than a schedule's", async () => {
    const { runtime, blueprintId } = await setup();
    const bad = { kind: "api", detail: "x" } as unknown as { kind: "schedule"; detail: string };
    await expect(runtime.runs.start(blueprintId, { trigger: bad })).rejects.toMatchObject({
      path: "/trigger",
    });
    await expect(runtime.runs.poll(blueprintId, { trigger: bad })).rejects.toBeInstanceOf(ValidationError);
    await runtime.close();
  });

  it("prunes its tick history to keepTicks, keeping the last 10 minutes before the latest tick", async () => {
    const store = memoryStore();
    const gate = gatedTarget();
    const runtime = createRuntime({ store, connectors: [gate.connector], schedules: { keepTicks: 3 } });
    const project = await runtime.projects.create({ name: "pruning" });
    const ref = await runtime.connectorRefs.put(project.id, { type: "gated", name: "erp", config: {} });
    const blueprint = await runtime.blueprints.create(project.id, {
      name: "minutely",
      body: {
        source: { connector: ref.id },
        target: { connector: ref.id },
        steps: [{ id: "send", kind: "send", connector: ref.id }],
      },
    });
    await runtime.blueprints.approve(blueprint.id);
    const schedule = await runtime.schedules.create({
      blueprintId: blueprint.id,
      timing: { everyMs: 60_000 },
      action: { kind: "start" },
    });
    for (let minute = 1; minute <= 15; minute += 1) {
      await vi.advanceTimersByTimeAsync(60_000);
      await settle();
    }
    const fires = await runtime.schedules.fires(schedule.id, { limit: 100 });
    // Ticks 1..4 min are older than 10 min before the latest (15 min) and beyond the 3 kept.
    expect(seconds(fires, "FIRED").map((s) => s / 60)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect((await runtime.runs.list({ blueprintId: blueprint.id, limit: 100 })).items).toHaveLength(15);
    expect(() => createRuntime({ store, schedules: { keepTicks: 0, fire: true } })).toThrow(ValidationError);
    await runtime.close();
  });

  it("records create, update, pause, resume and delete in the audit log with the actor", async () => {
    const { runtime, blueprintId } = await setup();
    const schedule = await runtime.schedules.create(
      { blueprintId, timing: { everyMs: 1000 }, action: { kind: "start" } },
      { actor: "alice" },
    );
    await runtime.schedules.update(schedule.id, { overlap: "allow" }, { actor: "bob" });
    await runtime.schedules.pause(schedule.id, { actor: "carol" });
    await runtime.schedules.pause(schedule.id, { actor: "carol" }); // already paused: no change, no entry
    await runtime.schedules.resume(schedule.id);
    await runtime.schedules.delete(schedule.id, { actor: "dave" });
    await expect(runtime.schedules.delete(schedule.id, { actor: "dave" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const entries = (await runtime.audit.list({ entityId: schedule.id })).items;
    expect(entries.map((e) => [e.entityType, e.action, e.actor, e.data?.version])).toEqual([
      ["schedule", "create", "alice", 1],
      ["schedule", "update", "bob", 2],
      ["schedule", "pause", "carol", 3],
      ["schedule", "resume", "system", 4],
      ["schedule", "delete", "dave", 4],
    ]);
    expect(entries.every((e) => e.projectId === schedule.projectId)).toBe(true);
    await runtime.close();
  });

  it("pauses and resumes: ticks due while paused never fire", async () => {
    const { runtime, blueprintId } = await setup();
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "start" },
      missedTicks: { policy: "all", max: 100 },
    });
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect((await runtime.schedules.pause(schedule.id)).paused).toBe(true);
    expect(await runtime.schedules.nextFireTimes(schedule.id)).toEqual([]);
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(seconds(await runtime.schedules.fires(schedule.id))).toEqual([1]);
    const resumed = await runtime.schedules.resume(schedule.id);
    expect(resumed).toMatchObject({ paused: false, activeSince: "2026-03-01T00:00:06.000Z", version: 3 });
    expect((await runtime.schedules.nextFireTimes(schedule.id, 2)).map((d) => d.toISOString())).toEqual([
      "2026-03-01T00:00:07.000Z",
      "2026-03-01T00:00:08.000Z",
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(seconds(await runtime.schedules.fires(schedule.id), "FIRED")).toEqual([1, 7]);
    expect((await runtime.schedules.list({ blueprintId })).items.map((s) => s.id)).toEqual([schedule.id]);
    await runtime.schedules.delete(schedule.id);
    await expect(runtime.schedules.get(schedule.id)).rejects.toBeInstanceOf(NotFoundError);
    await runtime.close();
  });

  it("keeps a start action's records encrypted at rest with a payload codec, and runs them in clear", async () => {
    const base = memoryStore();
    const codec = aesGcmPayloadCodec({ keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) });
    const { runtime, gate, blueprintId } = await setup(base, gatedTarget(), { payloadCodec: codec });
    const record = { id: "r1", email: "ada@example.com" };
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "start", records: [record] },
    });
    const raw = await base.getSchedule(schedule.id);
    expect(raw?.action.kind === "start" && raw.action.records?.every(isEncryptedPayload)).toBe(true);
    expect(JSON.stringify(raw)).not.toContain("ada@example.com");
    expect((await runtime.schedules.get(schedule.id)).action).toEqual({ kind: "start", records: [record] });
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(gate.writes).toEqual([record]);
    await runtime.close();
  });

  it("refuses bad input with typed errors pointing at the field", async () => {
    const { runtime, blueprintId } = await setup();
    const create = (input: unknown) =>
      runtime.schedules
        .create(input as Parameters<Runtime["schedules"]["create"]>[0])
        .catch((e: unknown) => e);
    const cron = await create({ blueprintId, timing: { cron: "0 25 * * *" }, action: { kind: "poll" } });
    expect(cron).toBeInstanceOf(ScheduleInvalidError);
    expect(cron).toMatchObject({ code: ErrorCode.SCHEDULE_INVALID, path: "/timing/cron" });
    const zone = await create({
      blueprintId,
      timing: { cron: "0 2 * * *", timeZone: "Europe/Atlantis" },
      action: { kind: "poll" },
    });
    expect(zone).toMatchObject({ code: ErrorCode.SCHEDULE_INVALID, path: "/timing/timeZone" });
    const never = await create({ blueprintId, timing: { cron: "0 0 30 2 *" }, action: { kind: "poll" } });
    expect(never).toMatchObject({ code: ErrorCode.SCHEDULE_INVALID, path: "/timing/cron" });
    const overlap = await create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "poll" },
      overlap: "sometimes",
    });
    expect(overlap).toBeInstanceOf(ValidationError);
    expect(overlap).toMatchObject({ code: ErrorCode.INVALID_INPUT, path: "/overlap" });
    const missed = await create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "poll" },
      missedTicks: { policy: "all", max: 0 },
    });
    expect(missed).toMatchObject({ code: ErrorCode.INVALID_INPUT, path: "/missedTicks/max" });
    expect(
      await create({ blueprintId: "bp_missing", timing: { everyMs: 1000 }, action: { kind: "poll" } }),
    ).toBeInstanceOf(NotFoundError);
    const schedule = await runtime.schedules.create({
      blueprintId,
      timing: { everyMs: 1000 },
      action: { kind: "poll" },
    });
    await expect(runtime.schedules.fires(schedule.id, { limit: -1 })).rejects.toMatchObject({
      code: ErrorCode.INVALID_INPUT,
      path: "/limit",
    });
    await expect(runtime.schedules.nextFireTimes(schedule.id, 0)).rejects.toMatchObject({ path: "/n" });
    await expect(runtime.schedules.update(schedule.id, { timing: { cron: "nope" } })).rejects.toMatchObject({
      code: ErrorCode.SCHEDULE_INVALID,
    });
    await runtime.close();
  });
});

// issues 20, 23: the service creates, lists, shows, pauses, resumes and deletes a blueprint's schedules.
import type { Schedule } from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedDraft, startService, type TestService } from "./helpers";

describe("schedule routes", () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.close();
  });

  it("lists, shows, pauses and resumes a blueprint's schedules", async () => {
    const { api } = service;
    const { blueprint } = await generatedDraft(api);
    // Schedules are created by the host in code (the service exposes reading and pausing only).
    const schedule = await service.service.runtime.schedules.create({
      blueprintId: blueprint.id,
      timing: { cron: "0 3 * * *", timeZone: "Europe/Paris" },
      action: { kind: "poll" },
    });
    const list = await api.get<{ items: Schedule[] }>(`/blueprints/${blueprint.id}/schedules`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s) => s.id)).toEqual([schedule.id]);

    const shown = await api.get<{ schedule: Schedule; nextFireTimes: string[] }>(`/schedules/${schedule.id}`);
    expect(shown.body.schedule.id).toBe(schedule.id);
    expect(shown.body.nextFireTimes).toHaveLength(5);
    // 03:00 in Paris is 01:00 or 02:00 UTC, depending on the season.
    for (const at of shown.body.nextFireTimes) expect(at).toMatch(/T0[12]:00:00\.000Z$/);

    const paused = await api.post<Schedule>(`/schedules/${schedule.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    expect(
      (await api.get<{ nextFireTimes: string[] }>(`/schedules/${schedule.id}`)).body.nextFireTimes,
    ).toEqual([]);
    const resumed = await api.post<Schedule>(`/schedules/${schedule.id}/resume`);
    expect(resumed.body.paused).toBe(false);

    const fires = await api.get<{ items: unknown[] }>(`/schedules/${schedule.id}/fires?limit=10`);
    expect(fires.status).toBe(200);
    expect(fires.body.items).toEqual([]);

    const missing = await api.post<{ code: string }>("/schedules/sch_missing/pause");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("NOT_FOUND");
  });

  it("creates a schedule from the API, refuses a bad time zone at its field, and deletes it", async () => {
    const { api } = service;
    const { blueprint } = await generatedDraft(api);
    const created = await api.post<Schedule>(`/blueprints/${blueprint.id}/schedules`, {
      name: "nightly",
      timing: { cron: "30 2 * * *", timeZone: "America/New_York" },
      action: { kind: "poll" },
    });
    expect(created.status).toBe(201);
    expect(created.body.blueprintId).toBe(blueprint.id);
    expect(created.body.timing).toEqual({ cron: "30 2 * * *", timeZone: "America/New_York" });
    const shown = await api.get<{ nextFireTimes: string[] }>(`/schedules/${created.body.id}`);
    // 02:30 in New York is 06:30 or 07:30 UTC, depending on the season.
    for (const at of shown.body.nextFireTimes) expect(at).toMatch(/T0[67]:30:00\.000Z$/);

    const badZone = await api.post<{ code: string; pointer?: string }>(
      `/blueprints/${blueprint.id}/schedules`,
      { timing: { cron: "* * * * *", timeZone: "Mars/Olympus" }, action: { kind: "poll" } },
    );
    expect(badZone.status).toBe(400);
    expect(badZone.body).toMatchObject({ code: "SCHEDULE_INVALID", pointer: "/timing/timeZone" });

    const removed = await api.call("DELETE", `/schedules/${created.body.id}`);
    expect(removed.status).toBe(204);
    expect((await api.get(`/schedules/${created.body.id}`)).status).toBe(404);
    const list = await api.get<{ items: Schedule[] }>(`/blueprints/${blueprint.id}/schedules`);
    expect(list.body.items).toEqual([]);
  });
});

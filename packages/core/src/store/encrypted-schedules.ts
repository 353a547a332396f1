import type { Schedule } from "../schedules/schedule";
import type { PayloadCodec } from "./payload-codec";
import type { ScheduleStore } from "./types";

/**
 * The schedule part of `withPayloadCodec`: the records a `start` action runs at every tick are
 * run payloads like a batch's records, so they are written in their at-rest form (one encoded
 * value per record) and read back as values. Everything else of a schedule is kept as it is.
 */
export function encryptedScheduleRecords(store: ScheduleStore, codec: PayloadCodec): Partial<ScheduleStore> {
  const mapRecords = async (
    schedule: Schedule,
    map: (record: unknown) => Promise<unknown>,
  ): Promise<Schedule> =>
    schedule.action.kind === "start" && schedule.action.records !== undefined
      ? {
          ...schedule,
          action: { ...schedule.action, records: await Promise.all(schedule.action.records.map(map)) },
        }
      : schedule;
  const encode = (schedule: Schedule) => mapRecords(schedule, (record) => codec.encode(record));
  const decode = (schedule: Schedule) => mapRecords(schedule, (record) => codec.decode(record));
  return {
    async insertSchedule(schedule, audit) {
      await store.insertSchedule(await encode(schedule), audit);
    },
    async updateSchedule(schedule, expectedVersion, audit) {
      await store.updateSchedule(await encode(schedule), expectedVersion, audit);
    },
    async getSchedule(id) {
      const found = await store.getSchedule(id);
      return found === undefined ? undefined : decode(found);
    },
    async listSchedules(filter) {
      const page = await store.listSchedules(filter);
      return { ...page, items: await Promise.all(page.items.map(decode)) };
    },
  };
}

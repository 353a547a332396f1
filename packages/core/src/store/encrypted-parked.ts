import type { PayloadCodec } from "./payload-codec";
import type { ParkedRecord, ParkedRecordStore } from "./types";

/**
 * The parked-record part of `withPayloadCodec`: a parked record's `record` and `value` are run
 * payloads like a batch's records, written in their at-rest form and read back as values.
 */
export function encryptedParkedRecords(
  store: ParkedRecordStore,
  codec: PayloadCodec,
): Partial<ParkedRecordStore> {
  const decode = async (parked: ParkedRecord): Promise<ParkedRecord> => ({
    ...parked,
    record: await codec.decode(parked.record),
    value: await codec.decode(parked.value),
  });
  const decodeAll = (list: ParkedRecord[]): Promise<ParkedRecord[]> => Promise.all(list.map(decode));
  return {
    async parkRecord(parked) {
      await store.parkRecord({
        ...parked,
        record: await codec.encode(parked.record),
        value: await codec.encode(parked.value),
      });
    },
    async claimDueParkedRecords(claim) {
      return decodeAll(await store.claimDueParkedRecords(claim));
    },
    async claimParkedRecord(id, claim) {
      const parked = await store.claimParkedRecord(id, claim);
      return parked === undefined ? undefined : decode(parked);
    },
    async listParkedRecords(runId) {
      return decodeAll(await store.listParkedRecords(runId));
    },
    async makeParkedRecordsDue(runId, now, recordKey) {
      return decodeAll(await store.makeParkedRecordsDue(runId, now, recordKey));
    },
    async deleteParkedRecords(runId) {
      return decodeAll(await store.deleteParkedRecords(runId));
    },
  };
}

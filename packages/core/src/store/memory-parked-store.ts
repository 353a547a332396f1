import { cloneJson } from "../clone-json";
import { NotFoundError } from "../errors";
import type { Run } from "../model/run";
import { canTakeLease } from "./idempotency-claim";
import type { ParkedRecord, ParkedRecordStore } from "./types";

/** Soonest due first; ties in id order, so claims are deterministic. */
const byDue = (a: ParkedRecord, b: ParkedRecord): number =>
  a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Parked records in process memory, for `memoryStore()`. One process: a claim runs to completion
 * on one event loop, so a record is claimed once. `runs` is the memory store's run table, which
 * a settlement rewrites atomically with deleting the record.
 */
export function memoryParkedStore(runs: Map<string, Run>): ParkedRecordStore {
  const parked = new Map<string, ParkedRecord>();

  const claim = (record: ParkedRecord, owner: string, leaseMs: number, now: Date): ParkedRecord => {
    record.lease = { owner, expiresAt: new Date(now.getTime() + leaseMs).toISOString() };
    return cloneJson(record);
  };
  const ofRun = (runId: string): ParkedRecord[] =>
    [...parked.values()].filter((record) => record.runId === runId).sort(byDue);

  return {
    async parkRecord(record) {
      const { lease: _lease, ...unleased } = record;
      parked.set(record.id, cloneJson(unleased));
    },
    async claimDueParkedRecords({ owner, leaseMs, now, limit }) {
      const due = [...parked.values()]
        .filter((record) => Date.parse(record.dueAt) <= now.getTime() && canTakeLease(record.lease, "", now))
        .sort(byDue)
        .slice(0, limit);
      return due.map((record) => claim(record, owner, leaseMs, now));
    },
    async claimParkedRecord(id, { owner, leaseMs, now }) {
      const record = parked.get(id);
      // Free only, even for its own holder: a sweep and a delayed job of one worker share an owner.
      if (record === undefined || !canTakeLease(record.lease, "", now)) return undefined;
      return claim(record, owner, leaseMs, now);
    },
    async renewParkedRecord(id, { owner, leaseMs, now }) {
      const record = parked.get(id);
      if (record?.lease?.owner !== owner) return false;
      claim(record, owner, leaseMs, now);
      return true;
    },
    async releaseParkedRecord(id, owner) {
      const record = parked.get(id);
      if (record?.lease?.owner === owner) delete record.lease;
    },
    async settleParkedRecord(id, owner, change) {
      const record = parked.get(id);
      if (record?.lease?.owner !== owner) return undefined;
      const run = runs.get(record.runId);
      if (run === undefined) throw new NotFoundError("run", record.runId);
      const next = { ...change(cloneJson(run)), version: run.version + 1 };
      parked.delete(id);
      runs.set(run.id, cloneJson(next));
      return cloneJson(next);
    },
    async listParkedRecords(runId) {
      return cloneJson(ofRun(runId));
    },
    async makeParkedRecordsDue(runId, now, recordKey) {
      const made: ParkedRecord[] = [];
      for (const record of ofRun(runId)) {
        if (recordKey !== undefined && record.recordKey !== recordKey) continue;
        if (Date.parse(record.dueAt) > now.getTime()) record.dueAt = now.toISOString();
        made.push(cloneJson(record));
      }
      return made;
    },
    async deleteParkedRecords(runId) {
      const removed = ofRun(runId);
      for (const record of removed) parked.delete(record.id);
      return cloneJson(removed);
    },
  };
}

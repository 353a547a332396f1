/** What a blueprint's new runs run, as this process last read it. */
export interface ApprovedRevision {
  projectId: string;
  revision: number;
}

/** Blueprints whose approved revision is kept at most. */
const KEPT = 1024;

/**
 * The approved revision of each blueprint this process started runs of (issue 21): a
 * one-record run is created without reading the blueprint, guarded in the store by the revision
 * kept here (`createOneRecordRun` writes nothing when the blueprint names another one or is
 * archived). A guard that fails forgets the entry; the next read keeps the fresh one.
 */
export class ApprovedRevisions {
  private readonly entries = new Map<string, ApprovedRevision>();

  get(blueprintId: string): ApprovedRevision | undefined {
    return this.entries.get(blueprintId);
  }

  keep(blueprintId: string, approved: ApprovedRevision): void {
    this.entries.delete(blueprintId);
    this.entries.set(blueprintId, approved);
    if (this.entries.size > KEPT) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(blueprintId: string): void {
    this.entries.delete(blueprintId);
  }
}

import { describe, expect, it } from "vitest";
import { memoryStore } from "../../store/memory-store";
import { sampleAudit, sampleBlueprint, sampleProject } from "../../testing/fixtures";
import { createRevisionCache } from "./revision-cache";

// Issue 21: a run's revision is read once per process, not once per run.
describe("revision cache", () => {
  it("reads a revision from the store once, and asks again after a miss", async () => {
    const store = memoryStore();
    const project = sampleProject();
    await store.insertProject(project, sampleAudit({ entityId: project.id }));
    const { blueprint, revision } = sampleBlueprint(project.id);
    let reads = 0;
    const counting = {
      getRevision: (id: string, n: number) => {
        reads += 1;
        return store.getRevision(id, n);
      },
    };
    const cache = createRevisionCache();
    expect(await cache.read(counting, blueprint.id, 1)).toBeUndefined();
    await store.insertBlueprint(blueprint, revision, sampleAudit({ entityId: blueprint.id }));
    expect(await cache.read(counting, blueprint.id, 1)).toEqual(revision);
    expect(await cache.read(counting, blueprint.id, 1)).toEqual(revision);
    expect(reads).toBe(2);
  });
});

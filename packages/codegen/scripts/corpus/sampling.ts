import type { CorpusDocument } from "./types";

/** mulberry32: a small seeded generator, so a sample is the same on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fixed sample of `count` documents stratified by version × size: every stratum gets a share
 * proportional to its size and at least one document (2.0, 3.1 and large ones are rare).
 */
export function stratifiedSample(
  documents: readonly CorpusDocument[],
  count: number,
  seed = 19,
): CorpusDocument[] {
  if (count >= documents.length) return [...documents];
  const strata = new Map<string, CorpusDocument[]>();
  for (const doc of documents) {
    const key = `${doc.version}/${doc.size}`;
    strata.set(key, [...(strata.get(key) ?? []), doc]);
  }
  const random = seeded(seed);
  const picked: CorpusDocument[] = [];
  const keys = [...strata.keys()].sort();
  const quota = new Map(
    keys.map((key) => [key, Math.max(1, Math.floor((strata.get(key)!.length / documents.length) * count))]),
  );
  let total = [...quota.values()].reduce((a, b) => a + b, 0);
  // Hand out what rounding left, largest strata first.
  for (const key of [...keys].sort((a, b) => strata.get(b)!.length - strata.get(a)!.length)) {
    if (total >= count) break;
    if (quota.get(key)! < strata.get(key)!.length) {
      quota.set(key, quota.get(key)! + 1);
      total++;
    }
  }
  for (const key of keys) {
    const members = [...strata.get(key)!];
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    picked.push(...members.slice(0, quota.get(key)));
  }
  return picked.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Every document, in an order whose every prefix is close to a stratified sample (version ×
 * size, shuffled by seed within a stratum): one of each stratum first, then whichever stratum is
 * furthest behind its share. A long sweep stopped part-way still describes the whole corpus.
 */
export function stratifiedOrder(documents: readonly CorpusDocument[], seed = 19): CorpusDocument[] {
  const strata = new Map<string, CorpusDocument[]>();
  for (const doc of documents) {
    const key = `${doc.version}/${doc.size}`;
    strata.set(key, [...(strata.get(key) ?? []), doc]);
  }
  const random = seeded(seed);
  const queues = [...strata.keys()].sort().map((key) => {
    const members = [...strata.get(key)!].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    return { members, taken: 0 };
  });
  const ordered: CorpusDocument[] = [];
  for (const queue of queues) ordered.push(queue.members[queue.taken++]!);
  while (ordered.length < documents.length) {
    let behind: (typeof queues)[number] | undefined;
    for (const queue of queues) {
      if (queue.taken >= queue.members.length) continue;
      const share = (queue.taken + 0.5) / queue.members.length;
      if (!behind || share < (behind.taken + 0.5) / behind.members.length) behind = queue;
    }
    ordered.push(behind!.members[behind!.taken++]!);
  }
  return ordered;
}

/**
 * Whether a document belongs to shard `index` of `count` (1-based, `--shard 2/4`): by a hash of
 * its id, so a shard keeps its documents when the corpus gains or loses others.
 */
export function inShard(id: string, index: number, count: number): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash % count === index - 1;
}

/** Parses `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    throw new Error(`--shard ${text}: expected i/n with 1 ≤ i ≤ n (e.g. 2/4)`);
  return { index, count };
}

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

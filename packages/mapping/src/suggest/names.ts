import { ABBREVIATIONS, NOISE, SYNONYM_GROUPS, WORDS } from "./synonyms";

/** One word (or synonym phrase) of a field name, with the concepts it stands for. */
export interface Term {
  text: string;
  concepts: Set<string>;
}

/** Splits `billingAddress_line1`, `HTMLUrl`, `Hubspot_Deal_Id__c` into lower-case words. */
export function splitWords(name: string): string[] {
  return name
    .replace(/`/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([a-zA-Z])(\d)/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Builds the matcher for one suggestion run: synonyms (built-in plus the host's) and a vocabulary. */
export function createNamer(
  extraSynonyms: readonly (readonly string[])[],
  vocabulary: Iterable<string>,
): Namer {
  return new Namer([...SYNONYM_GROUPS, ...extraSynonyms], vocabulary);
}

export class Namer {
  private readonly phrases = new Map<string, Set<string>>();
  private readonly longest: number;
  private readonly vocabulary: Set<string>;

  constructor(groups: readonly (readonly string[])[], vocabulary: Iterable<string>) {
    this.vocabulary = new Set([...WORDS, ...Object.keys(ABBREVIATIONS), ...vocabulary]);
    let longest = 1;
    groups.forEach((group, index) => {
      for (const phrase of group) {
        const key = this.expand(splitWords(phrase)).join(" ");
        longest = Math.max(longest, key.split(" ").length);
        const concepts = this.phrases.get(key) ?? new Set<string>();
        concepts.add(`g${index}`);
        this.phrases.set(key, concepts);
        for (const word of key.split(" ")) this.vocabulary.add(word);
      }
    });
    this.longest = longest;
  }

  /** Abbreviations expanded, stems taken, run-together words split. */
  private expand(words: string[]): string[] {
    return words.flatMap((word) => {
      const expanded = ABBREVIATIONS[word];
      if (expanded !== undefined) return expanded.split(" ");
      const split = word.length >= 6 && !this.vocabulary?.has(word) ? this.segment(word) : undefined;
      return (split ?? [word]).map(stem);
    });
  }

  /** Splits `numberofemployees` into known words, or gives up. */
  private segment(word: string): string[] | undefined {
    const best: (string[] | undefined)[] = [[]];
    for (let end = 1; end <= word.length; end++) {
      for (let start = Math.max(0, end - 16); start < end; start++) {
        const head = best[start];
        const piece = word.slice(start, end);
        if (head === undefined || piece.length < 2 || !this.vocabulary.has(piece)) continue;
        const candidate = [...head, piece];
        const current = best[end];
        if (current === undefined || candidate.length < current.length) best[end] = candidate;
      }
    }
    const result = best[word.length];
    return result !== undefined && result.length > 1 ? result : undefined;
  }

  /** The terms of a name: synonym phrases matched longest first, noise dropped. */
  terms(name: string): Term[] {
    const words = this.expand(splitWords(name).filter((word) => !NOISE.has(word))).filter(
      (word) => !NOISE.has(word),
    );
    const terms: Term[] = [];
    for (let index = 0; index < words.length; ) {
      let matched = false;
      for (let length = Math.min(this.longest, words.length - index); length >= 1; length--) {
        const text = words.slice(index, index + length).join(" ");
        const concepts = this.phrases.get(text);
        if (concepts !== undefined || length === 1) {
          terms.push({ text, concepts: new Set([text, ...(concepts ?? [])]) });
          index += length;
          matched = true;
          break;
        }
      }
      if (!matched) index++;
    }
    return terms;
  }
}

function termMatch(left: Term, right: Term): number {
  for (const concept of left.concepts)
    if (right.concepts.has(concept)) return left.text === right.text ? 1 : 0.95;
  const a = left.text;
  const b = right.text;
  if (Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a))) return 0.8;
  // A phrase containing the other word: "source id" and "id".
  if (a.split(" ").includes(b) || b.split(" ").includes(a)) return 0.6;
  if (Math.min(a.length, b.length) >= 5 && editRatio(a, b) >= 0.8) return 0.7;
  return 0;
}

function editRatio(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = saved;
    }
  }
  return 1 - (row[b.length] as number) / Math.max(a.length, b.length);
}

/** A soft Dice coefficient over terms: 1 for the same words or synonyms, 0 for nothing shared. */
export function termSimilarity(left: readonly Term[], right: readonly Term[]): number {
  if (left.length === 0 || right.length === 0) return 0;
  const best = (from: readonly Term[], to: readonly Term[]): number =>
    from.reduce((sum, term) => sum + Math.max(...to.map((other) => termMatch(term, other))), 0);
  return (best(left, right) + best(right, left)) / (left.length + right.length);
}

/** Whether a term stands for a synonym group (so the reason can say "synonym"). */
export function sharedConcept(left: readonly Term[], right: readonly Term[]): string | undefined {
  for (const a of left)
    for (const b of right)
      if (a.text !== b.text && [...a.concepts].some((c) => b.concepts.has(c))) return `${a.text} ≈ ${b.text}`;
  return undefined;
}

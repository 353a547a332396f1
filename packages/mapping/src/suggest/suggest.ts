import type { JsonSchema, MappingRule } from "../types";
import { type Conversion, conversionFor } from "./conversion";
import { createNamer, type Namer, sharedConcept, splitWords, type Term, termSimilarity } from "./names";
import { valuesAt } from "./sample-values";
import { flattenSchema, type SchemaCollection, type SchemaField } from "./schema-fields";
import type { FieldSuggestion, MappingSuggester, MappingSuggestion, SuggestOptions } from "./types";

const DEFAULT_THRESHOLD = 0.55;
const PLUCK_NAMES = new Set(["name", "title", "label", "value", "login", "key"]);

/**
 * Suggests mapping rules from a source JSON Schema to a target one: names compared after
 * splitting snake/camel/kebab case, expanding abbreviations and applying a synonym table;
 * types made to fit with a converting transform (`"12.50"` → `to_float`); arrays of objects
 * matched to arrays of objects (nested array rules); sample values to confirm conversions.
 * Every target field gets a confidence (0–1) and a reason; required fields without a rule are
 * listed in `unmatched`. A host's `suggester` (a model, say) may refine the result; nothing
 * here calls a network.
 *
 * @example
 * ```ts
 * const { rules, unmatched } = await suggestMappings(
 *   { type: "object", properties: { zip: { type: "string" }, total_price: { type: "string" } } },
 *   { type: "object", properties: { postal_code: { type: "string" }, total: { type: "number" } }, required: ["total"] },
 * );
 * // rules: [{ target: "postal_code", from: "zip" }, { target: "total", from: "total_price", transforms: ["to_float"] }]
 * ```
 */
export async function suggestMappings(
  sourceSchema: JsonSchema,
  targetSchema: JsonSchema,
  options: SuggestOptions = {},
): Promise<MappingSuggestion> {
  const heuristic = suggestByStructure(sourceSchema, targetSchema, options);
  if (options.suggester === undefined) return heuristic;
  const request = {
    sourceSchema,
    targetSchema,
    ...(options.samples === undefined ? {} : { samples: options.samples }),
    ...(options.intent === undefined ? {} : { intent: options.intent }),
  };
  return mergeSuggestions(heuristic, await options.suggester.suggest(request));
}

/**
 * The built-in suggester as a {@link MappingSuggester}, for hosts (and core) that take one.
 *
 * @example
 * ```ts
 * const suggester = createMappingSuggester({ synonyms: [["sku", "article"]] });
 * await suggester.suggest({ sourceSchema, targetSchema });
 * ```
 */
export function createMappingSuggester(
  options: Omit<SuggestOptions, "samples" | "intent"> = {},
): MappingSuggester {
  return {
    suggest: (request) =>
      suggestMappings(request.sourceSchema, request.targetSchema, {
        ...options,
        ...(request.samples === undefined ? {} : { samples: request.samples }),
        ...(request.intent === undefined ? {} : { intent: request.intent }),
      }),
  };
}

interface Named {
  leaf: Term[];
  parents: Term[];
  full: Term[];
}

interface Candidate {
  target: SchemaField;
  source: SchemaField;
  confidence: number;
  rule: MappingRule;
  reason: string;
}

function suggestByStructure(
  sourceSchema: JsonSchema,
  targetSchema: JsonSchema,
  options: SuggestOptions,
): MappingSuggestion {
  const source = flattenSchema(sourceSchema);
  const target = flattenSchema(targetSchema);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const names = [...source.fields, ...target.fields, ...source.collections, ...target.collections].flatMap(
    (field) => [field.name, ...field.parents],
  );
  // Words of names that were written apart teach us how to split the run-together ones.
  const vocabulary = names
    .map(splitWords)
    .filter((words) => words.length > 1)
    .flat();
  const namer = createNamer(options.synonyms ?? [], vocabulary);
  const named = new Map<object, Named>();
  const name = (field: SchemaField | SchemaCollection): Named => {
    let result = named.get(field);
    if (result === undefined) {
      result = {
        leaf: namer.terms(field.name),
        parents: namer.terms(field.parents.join(" ")),
        full: namer.terms([...field.parents, field.name].join(" ")),
      };
      named.set(field, result);
    }
    return result;
  };
  const samples = options.samples ?? [];
  const intent = new Set(splitWords(options.intent ?? ""));
  const arrays = matchCollections(source.collections, target.collections, name, namer, samples);

  const candidates: Candidate[] = [];
  for (const targetField of target.fields) {
    for (const sourceField of source.fields) {
      const candidate = score(targetField, sourceField, {
        name,
        terms: (text) => namer.terms(text),
        arrays,
        samples,
        intent,
        source: source.fields,
      });
      if (candidate !== undefined && candidate.confidence > 0.2) candidates.push(candidate);
    }
  }
  candidates.sort((a, b) => b.confidence - a.confidence);
  const chosen = new Map<SchemaField, Candidate>();
  const used = new Set<string>();
  for (const candidate of candidates) {
    if (chosen.has(candidate.target) || used.has(candidate.source.path) || candidate.confidence < threshold)
      continue;
    chosen.set(candidate.target, candidate);
    used.add(candidate.source.path);
  }

  const rules: MappingRule[] = [];
  const fields: FieldSuggestion[] = [];
  const unmatched: string[] = [];
  for (const targetField of target.fields) {
    const pick = chosen.get(targetField);
    const others = candidates
      .filter((candidate) => candidate.target === targetField && candidate !== pick)
      .slice(0, 3);
    const field: FieldSuggestion = pick
      ? { target: targetField.path, rule: pick.rule, confidence: round(pick.confidence), reason: pick.reason }
      : {
          target: targetField.path,
          confidence: round(others[0]?.confidence ?? 0),
          reason: others[0]
            ? `no source reached the threshold; best was ${others[0].source.path} (${others[0].reason})`
            : "no compatible source field",
        };
    if (others.length > 0)
      field.alternatives = others.map((other) => ({
        from: other.source.path,
        confidence: round(other.confidence),
      }));
    fields.push(field);
    if (pick) rules.push(pick.rule);
    else if (targetField.required) unmatched.push(targetField.path);
  }
  return { rules, fields, unmatched };
}

interface ScoreContext {
  name: (field: SchemaField | SchemaCollection) => Named;
  terms: (text: string) => Term[];
  arrays: Map<string, string>;
  samples: readonly unknown[];
  intent: Set<string>;
  source: readonly SchemaField[];
}

function score(target: SchemaField, source: SchemaField, context: ScoreContext): Candidate | undefined {
  const { name, arrays } = context;
  let placement = 1;
  let pluck = false;
  if (target.arrayPath !== undefined) {
    const matched = arrays.get(target.arrayPath);
    if (matched === undefined) return undefined;
    if (source.arrayPath === undefined) placement = 0.8;
    else if (source.arrayPath !== matched) return undefined;
  } else if (source.arrayPath !== undefined) {
    // An array of scalars can be plucked from an array of objects: tags ← labels[].name.
    if (
      target.type !== "array" ||
      source.arrayPath.includes("[]") ||
      source.type === "array" ||
      source.type === "object"
    )
      return undefined;
    pluck = true;
  }
  const t = name(target);
  const s = name(source);
  let nameScore: number;
  let reasonName: string;
  if (pluck) {
    const collection = namerTermsOfArray(source, context);
    nameScore = termSimilarity(t.leaf, collection) * (PLUCK_NAMES.has(source.name.toLowerCase()) ? 1 : 0.8);
    reasonName = `"${target.name}" ≈ array "${source.arrayPath}" (its ${source.name})`;
  } else {
    const leaf = termSimilarity(t.leaf, s.leaf);
    // Inside matched arrays, compare only the parents below the arrays (already matched).
    const tp =
      target.arrayPath !== undefined && source.arrayPath !== undefined
        ? context.terms(relativeParents(target))
        : t.parents;
    const sp =
      target.arrayPath !== undefined && source.arrayPath !== undefined
        ? context.terms(relativeParents(source))
        : s.parents;
    const parents =
      tp.length === 0 && sp.length === 0
        ? 1
        : tp.length === 0 || sp.length === 0
          ? 0.5
          : termSimilarity(tp, sp);
    const full = termSimilarity(t.full, s.full);
    // The whole path breaks ties between equal leaves (total ← total_money.amount, not amount_money.amount).
    nameScore = Math.min(1, Math.max(leaf * (0.6 + 0.4 * parents), full * 0.95) + 0.02 * full);
    const synonym = sharedConcept(leaf >= full ? t.leaf : t.full, leaf >= full ? s.leaf : s.full);
    reasonName = `"${target.path}" ~ "${source.path}" (name ${round(nameScore)}${synonym ? `, synonym ${synonym}` : ""})`;
  }
  if (nameScore < 0.3) return undefined;
  const values = valuesAt(context.samples, source.path);
  const minor = minorUnits(target, source, context.source);
  const conversion: Conversion | undefined =
    minor ?? (pluck ? pluckConversion(source, target) : conversionFor(source, target, values));
  if (conversion === undefined) return undefined;
  let confidence = nameScore * (0.7 + 0.3 * conversion.fit) * placement;
  if (
    target.format === "email" &&
    (source.format === "email" ||
      (values.length > 0 && values.every((v) => typeof v === "string" && v.includes("@"))))
  ) {
    confidence += 0.05;
  }
  if (context.intent.size > 0 && splitWords(target.name).some((word) => context.intent.has(word)))
    confidence += 0.03;
  const rule: MappingRule =
    conversion.expr === undefined
      ? { target: target.path, from: source.path }
      : { target: target.path, expr: conversion.expr };
  if (conversion.transforms.length > 0) rule.transforms = conversion.transforms;
  const where = placement < 1 ? "; read from the root for every element" : "";
  return {
    target,
    source,
    confidence: Math.min(1, confidence),
    rule,
    reason: `${reasonName}; ${conversion.note}${where}`,
  };
}

/** The parents of a field below its innermost array: `SalesItemLineDetail` in `Line[].SalesItemLineDetail.Qty`. */
function relativeParents(field: SchemaField): string {
  const depth = field.arrayPath === undefined ? 0 : field.arrayPath.replaceAll("[]", "").split(".").length;
  return field.parents.slice(depth).join(" ");
}

function namerTermsOfArray(source: SchemaField, context: ScoreContext): Term[] {
  return context.name({
    ...source,
    name: source.parents.at(-1) ?? source.name,
    parents: source.parents.slice(0, -1),
  }).leaf;
}

function pluckConversion(source: SchemaField, target: SchemaField): Conversion | undefined {
  if (target.itemType !== undefined && target.itemType !== "any" && source.type !== target.itemType)
    return undefined;
  return { transforms: [], fit: 0.9, note: `array of ${source.type} plucked from objects` };
}

const AMOUNT = /(amount|total|price|cents|fee)$/i;

/** Stripe-style integer amounts next to a currency are minor units: 1099 USD is 10.99. */
function minorUnits(
  target: SchemaField,
  source: SchemaField,
  sources: readonly SchemaField[],
): Conversion | undefined {
  if (
    source.type !== "integer" ||
    target.type !== "number" ||
    source.arrayPath !== undefined ||
    target.arrayPath !== undefined
  )
    return undefined;
  if (!AMOUNT.test(source.name)) return undefined;
  const currency = sources.find(
    (field) =>
      field.type === "string" &&
      /^currency(_code)?$/i.test(field.name) &&
      field.parents.join(".") === source.parents.join("."),
  );
  if (currency === undefined) return undefined;
  return {
    transforms: [],
    fit: 1,
    note: `integer amount next to ${currency.path}: minor units via from_minor_units`,
    expr: `$from_minor_units(${source.path}, ${currency.path})`,
  };
}

function matchCollections(
  sources: readonly SchemaCollection[],
  targets: readonly SchemaCollection[],
  name: (field: SchemaField | SchemaCollection) => Named,
  _namer: Namer,
  samples: readonly unknown[],
): Map<string, string> {
  const pairs: { target: SchemaCollection; source: SchemaCollection; score: number }[] = [];
  for (const target of targets) {
    for (const source of sources) {
      const nameScore = termSimilarity(name(target).full, name(source).full);
      const overlap =
        target.fields.length === 0
          ? 0
          : target.fields.reduce((sum, field) => {
              const best = Math.max(
                0,
                ...source.fields.map(
                  (other) =>
                    termSimilarity(name(field).leaf, name(other).leaf) *
                    (conversionFor(other, field, valuesAt(samples, other.path)) ? 1 : 0.5),
                ),
              );
              return sum + best;
            }, 0) / target.fields.length;
      pairs.push({ target, source, score: 0.4 * nameScore + 0.6 * overlap });
    }
  }
  pairs.sort((a, b) => b.score - a.score);
  const matched = new Map<string, string>();
  const used = new Set<string>();
  // Outer arrays first, so an inner array is only matched inside its outer array's match.
  for (const pair of pairs) {
    if (pair.score < 0.3 || matched.has(pair.target.path) || used.has(pair.source.path)) continue;
    const outer = pair.target.arrayPath === undefined ? undefined : matched.get(pair.target.arrayPath);
    if (pair.target.arrayPath !== undefined && outer !== pair.source.arrayPath) continue;
    if (pair.target.arrayPath === undefined && pair.source.arrayPath !== undefined) continue;
    matched.set(pair.target.path, pair.source.path);
    used.add(pair.source.path);
  }
  return matched;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Takes a host suggester's rules where it is more confident than the built-in one. */
function mergeSuggestions(base: MappingSuggestion, hosted: MappingSuggestion): MappingSuggestion {
  const fields = new Map(base.fields.map((field) => [field.target, field]));
  const rules = new Map(base.rules.map((rule) => [rule.target, rule]));
  for (const field of hosted.fields) {
    const mine = fields.get(field.target);
    if (mine !== undefined && mine.rule !== undefined && mine.confidence >= field.confidence) continue;
    const rule = field.rule ?? hosted.rules.find((candidate) => candidate.target === field.target);
    fields.set(field.target, {
      ...field,
      reason: `suggester: ${field.reason}`,
      ...(rule === undefined ? {} : { rule }),
    });
    if (rule !== undefined) rules.set(field.target, rule);
  }
  const unmatched = [...new Set([...base.unmatched, ...hosted.unmatched])].filter(
    (target) => !rules.has(target),
  );
  return { rules: [...rules.values()], fields: [...fields.values()], unmatched };
}

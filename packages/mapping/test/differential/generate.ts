/**
 * Random valid JSONata expressions and inputs for the differential fuzzer (issue 17), from a
 * seeded generator: the same seed gives the same cases on every machine. Expressions are trees
 * of templates, so a failing case shrinks by replacing a node with one of its children or a leaf.
 */

/** A small, fast, seeded PRNG (mulberry32). */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** An expression tree: `template` with each `#` replaced by the rendering of the next child. */
export interface ExpressionNode {
  template: string;
  children: ExpressionNode[];
}

export function render(node: ExpressionNode): string {
  let index = 0;
  return node.template.replace(/#/g, () => render(node.children[index++]!));
}

export function size(node: ExpressionNode): number {
  return 1 + node.children.reduce((sum, child) => sum + size(child), 0);
}

const LEAVES = [
  "id",
  "name",
  "status",
  "total",
  "items",
  "items.sku",
  "items.qty",
  "items.price",
  "items.tags",
  "customer.first",
  "customer",
  "tags",
  "$",
  "$$",
  "missing",
  "extra",
  "a",
  "b.c",
  "*",
  "**.sku",
  "items[0]",
  "items[-1].sku",
  "$v",
  "$x",
  "$i",
  "0",
  "1",
  "-0",
  "2.5",
  "-3",
  "1e3",
  '""',
  '"a"',
  '"A b"',
  '"1"',
  '","',
  "true",
  "false",
  "null",
  "[]",
  "{}",
];

/** Templates by arity; `#` is any expression. Each is valid JSONata whatever fills its holes. */
const UNARY = [
  "-(#)",
  "[#]",
  '{"k": #}',
  "(#)[0]",
  "(#)[-1]",
  "(#)[]",
  "$string(#)",
  "$number(#)",
  "$exists(#)",
  "$count(#)",
  "$sum(#)",
  "$max(#)",
  "$min(#)",
  "$average(#)",
  "$uppercase(#)",
  "$lowercase(#)",
  "$trim(#)",
  "$length(#)",
  "$substring(#, 1, 2)",
  '$substringBefore(#, "a")',
  '$contains(#, "a")',
  "$contains(#, /b/)",
  '$replace(#, /[^0-9]/, "")',
  '$split(#, ",")',
  '$join(#, ",")',
  "$boolean(#)",
  "$not(#)",
  "$keys(#)",
  '$lookup(#, "sku")',
  "$reverse(#)",
  "$sort(#)",
  "$distinct(#)",
  "$abs(#)",
  "$round(#, 1)",
  "$floor(#)",
  "$type(#)",
  "$match(#, /a./)",
  "$merge(#)",
  "$spread(#)",
  "$map(#, $string)",
  "# ~> $string()",
  "items{sku: #}",
  "items^(#)",
  "(#)^(>$)",
  "items.%.#",
  "[1..$count(#)]",
  "$contains(#, /b/) ?: false",
  '$eval("items.sku")',
];

const BINARY = [
  "(# + #)",
  "(# - #)",
  "(# * #)",
  "(# / #)",
  "(# % #)",
  "(# & #)",
  "(# = #)",
  "(# != #)",
  "(# < #)",
  "(# <= #)",
  "(# > #)",
  "(# >= #)",
  "(# and #)",
  "(# or #)",
  "(# in #)",
  "(# ? #)",
  "(# ?: #)",
  "(# ?? #)",
  "[#, #]",
  "[[#], #]",
  '{"k": #, "l": #}',
  "(#).(#)",
  "(#)[#]",
  "($v := #; #)",
  "$append(#, #)",
  "$zip(#, #)",
  "$map(#, function($x){ # })",
  "$map(#, function($x, $i){ # })",
  "$filter(#, function($x){ # })",
  "$reduce(#, function($v, $x){ # })",
  "$sort(#, function($v, $x){ # })",
  "$each(#, function($v, $x){ # })",
  "# ~> $map(function($x){ # })",
  "# ~> (# ? $uppercase : $lowercase)",
  "(#){$string(#): $count($)}",
  'items#$i.{"n": $i, "v": #}',
  "items@$x.(#)",
  '$ ~> |items|{"x": #}|',
  "($f := function($x){ # }; $f(#))",
  "($f := function($x){ $x > 0 ? $f($x - 1) : # }; $f($count(#)))",
];

const TERNARY = [
  "(# ? # : #)",
  "$map(#, function($x){ $map(#, function($i){ # }) })",
  "$reduce(#, function($v, $x){ # }, #)",
];

/** A random expression tree of at most `depth` levels. */
export function generateExpression(random: Random, depth = 4): ExpressionNode {
  if (depth <= 0 || random.chance(0.25)) return { template: random.pick(LEAVES), children: [] };
  const roll = random.next();
  const template = roll < 0.35 ? random.pick(UNARY) : roll < 0.9 ? random.pick(BINARY) : random.pick(TERNARY);
  const holes = template.split("#").length - 1;
  const children: ExpressionNode[] = [];
  for (let index = 0; index < holes; index++) children.push(generateExpression(random, depth - 1));
  return { template, children };
}

/** Smaller trees to try in place of `node`, smallest first: leaves, then each child, then with a child shrunk. */
export function* shrinkExpression(node: ExpressionNode): Generator<ExpressionNode> {
  if (node.children.length === 0) {
    if (node.template !== "1") yield { template: "1", children: [] };
    return;
  }
  yield { template: "1", children: [] };
  yield { template: "items", children: [] };
  for (const child of node.children) yield child;
  for (let index = 0; index < node.children.length; index++) {
    for (const smaller of shrinkExpression(node.children[index]!)) {
      const children = node.children.slice();
      children[index] = smaller;
      yield { template: node.template, children };
    }
  }
}

const SCALARS: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  2.5,
  1e21,
  "",
  "a",
  "b,c",
  "12.50",
  "Ünï",
  " x ",
];

function scalar(random: Random): unknown {
  return random.chance(0.3) ? random.int(2001) - 1000 : random.pick(SCALARS);
}

function lineItem(random: Random): Record<string, unknown> {
  const item: Record<string, unknown> = { qty: random.chance(0.9) ? random.int(10) : "2" };
  if (random.chance(0.8)) item.sku = random.pick(["A", "B", "", null, "SKU-1"]);
  if (random.chance(0.7)) item.price = random.pick(["1.50", "20", 0.1, 3, -0]);
  if (random.chance(0.5))
    item.tags = Array.from({ length: random.int(3) }, () => random.pick(["x", "y", ""]));
  return item;
}

/** An order-shaped input: optional and null fields, zero, one or many items. */
export function generateOrder(random: Random): Record<string, unknown> {
  const order: Record<string, unknown> = { id: random.int(1000) };
  if (random.chance(0.8)) order.name = random.pick(["Ada", "", null, "a, b"]);
  if (random.chance(0.8)) order.status = random.pick(["paid", "pending", "voided"]);
  if (random.chance(0.7)) order.total = random.pick(["10.00", 3.5, "x", 0, -0]);
  if (random.chance(0.6)) order.tags = random.pick(["a, b", "", " c ,d,, e"]);
  const items = random.int(4);
  order.items =
    items === 3
      ? lineItem(random)
      : Array.from({ length: random.chance(0.2) ? 0 : items + 1 }, () => lineItem(random));
  if (random.chance(0.6))
    order.customer = random.chance(0.2)
      ? null
      : { first: scalar(random), last: scalar(random), email: scalar(random) };
  if (random.chance(0.5)) order.extra = scalar(random);
  if (random.chance(0.3)) order.a = scalar(random);
  if (random.chance(0.3))
    order.b = { c: random.chance(0.5) ? [scalar(random), scalar(random)] : scalar(random) };
  return order;
}

const KEYS = ["a", "b", "c", "id", "sku", "items", "qty", "name", "x", "tags"];

/** Any small JSON value. */
export function generateValue(random: Random, depth = 3): unknown {
  const roll = random.next();
  if (depth <= 0 || roll < 0.4) return scalar(random);
  if (roll < 0.7) return Array.from({ length: random.int(4) }, () => generateValue(random, depth - 1));
  const value: Record<string, unknown> = {};
  for (let index = random.int(4); index > 0; index--)
    value[random.pick(KEYS)] = generateValue(random, depth - 1);
  return value;
}

export function generateInput(random: Random): unknown {
  return random.chance(0.7) ? generateOrder(random) : generateValue(random);
}

/** Smaller inputs to try in place of `value`: without one key or item, or with one shrunk. */
export function* shrinkInput(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      yield [...value.slice(0, index), ...value.slice(index + 1)];
    for (let index = 0; index < value.length; index++) {
      for (const smaller of shrinkInput(value[index])) {
        const copy = value.slice();
        copy[index] = smaller;
        yield copy;
      }
    }
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const { [key]: _removed, ...rest } = record;
      yield rest;
    }
    for (const key of Object.keys(record)) {
      for (const smaller of shrinkInput(record[key])) yield { ...record, [key]: smaller };
    }
  }
}

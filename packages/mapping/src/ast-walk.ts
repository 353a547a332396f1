/**
 * The one walk over a jsonata AST that the compile's analysis and the reference's guards share.
 * jsonata's nodes come in dozens of shapes, so reading them is megamorphic: the walk reads only
 * own keys (`Object.keys`, about twice as fast as `for…in` over this many shapes, measured) and
 * leaves each node's properties to the visitor.
 */

/**
 * Calls `visit` for every node of `ast`, parents before children, with the key it was reached
 * through (`""` for the root; an array's items get the array's key) and the node holding that
 * key (`undefined` for the root). Nodes are the objects reached through any key but `value`,
 * which holds literals (and regex objects).
 */
export function forEachAstNode(
  ast: unknown,
  visit: (node: Record<string, unknown>, key: string, parent: Record<string, unknown> | undefined) => void,
): void {
  walk(ast, "", undefined, visit);
}

// A module-level function, not a closure per walk: bundlers keeping function names wrap every
// named closure in a call that defines its name.
function walk(
  node: unknown,
  key: string,
  parent: Record<string, unknown> | undefined,
  visit: (node: Record<string, unknown>, key: string, parent: Record<string, unknown> | undefined) => void,
): void {
  if (typeof node !== "object" || node === null) return;
  if (Array.isArray(node)) {
    for (let index = 0; index < node.length; index++) walk(node[index], key, parent, visit);
    return;
  }
  const record = node as Record<string, unknown>;
  visit(record, key, parent);
  const keys = Object.keys(record);
  for (let index = 0; index < keys.length; index++) {
    const child = keys[index] as string;
    if (child !== "value" && typeof record[child] === "object") walk(record[child], child, record, visit);
  }
}

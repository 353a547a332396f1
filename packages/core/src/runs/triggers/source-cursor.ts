/**
 * Where a blueprint's source cursor is stored: one per blueprint, and one per (blueprint,
 * customer connection) for polls through a connection — each customer's account is read from
 * its own position.
 */
export function sourceCursorScope(blueprintId: string, connectionId?: string): string {
  return connectionId === undefined ? `${blueprintId}:source` : `${blueprintId}:source@${connectionId}`;
}

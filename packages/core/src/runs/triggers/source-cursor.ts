/** Where a blueprint's source cursor is stored. */
export function sourceCursorScope(blueprintId: string): string {
  return `${blueprintId}:source`;
}

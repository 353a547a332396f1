/**
 * Sets `key` on `target` as an own data property, as `Object.fromEntries` or `JSON.parse` would:
 * an own `__proto__` key stays data instead of setting the object's prototype.
 */
export function setOwnData(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * `instanceof` for error classes that may exist in more than one copy in a process: the ESM and
 * the CJS build of a package loaded side by side, or two installed versions of it (issue 16).
 * Each error records the brands of the classes it was built from under a registry symbol
 * (`Symbol.for`, shared by every copy), and `instanceof` falls back to them when the prototype
 * chain says no.
 */

/** The registry key every copy of the package shares. */
const BRANDS = Symbol.for("@synapseops/error-brands");

/** A class's own `brand` if it declares one, else its name (kept by the build's `keepNames`). */
function brandOf(errorClass: object): string {
  return Object.hasOwn(errorClass, "brand")
    ? String((errorClass as { brand: unknown }).brand)
    : String((errorClass as { name?: unknown }).name);
}

/** Records on `error` the brands of `target`'s class chain, up to (not including) `Error`. */
export function stampErrorBrands(error: Error, target: object): void {
  const brands: string[] = [];
  for (let c: object | null = target; c !== null && c !== Error && c !== Function.prototype; ) {
    brands.push(brandOf(c));
    c = Object.getPrototypeOf(c) as object | null;
  }
  Object.defineProperty(error, BRANDS, { value: brands, enumerable: false });
}

/** Whether `value` is an instance of `errorClass` by prototype chain or, across copies, by brand. */
export function hasErrorBrand(errorClass: object, value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Function.prototype[Symbol.hasInstance].call(errorClass, value)) return true;
  const brands = (value as { [BRANDS]?: unknown })[BRANDS];
  return Array.isArray(brands) && brands.includes(brandOf(errorClass));
}

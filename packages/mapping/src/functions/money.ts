import { conversionError, isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

// ISO 4217 minor-unit exponents that differ from the usual 2.
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** The minor-unit exponent of an ISO 4217 currency code (2 unless listed otherwise). */
export function currencyExponent(fn: string, currency: unknown): number {
  if (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency)) {
    throw conversionError(fn, currency, "not an ISO 4217 currency code");
  }
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

function amountOf(fn: string, value: unknown): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number))
    throw conversionError(fn, value, "not an amount");
  return number;
}

/** `$to_minor_units(amount, currency)`: 12.5 USD → 1250, 1200 JPY → 1200, 1.5 KWD → 1500. */
export const toMinorUnits: LibraryFunction = {
  name: "to_minor_units",
  signature: "<j?s:n>",
  doc: "An amount in major units (number or decimal string) as an integer of minor units, using the currency's ISO 4217 exponent (JPY 0, USD 2, KWD 3). An amount with more decimals than the currency has fails rather than being rounded.",
  implementation: (value: unknown, currency: string): number | undefined => {
    if (isMissing(value)) return undefined;
    const exponent = currencyExponent("to_minor_units", currency);
    const scaled = amountOf("to_minor_units", value) * 10 ** exponent;
    const minor = Math.round(scaled);
    // Binary floating point leaves noise (19.99 * 100 = 1998.9999999999998); a real extra
    // decimal leaves a difference far above it.
    if (Math.abs(scaled - minor) > 1e-6) {
      throw conversionError(
        "to_minor_units",
        value,
        `more than ${exponent} decimals for ${currency.toUpperCase()}`,
      );
    }
    return minor;
  },
  examples: [
    { expr: '$to_minor_units(total, "USD")', input: { total: "19.99" }, output: 1999 },
    { expr: '$to_minor_units(total, "JPY")', input: { total: 1200 }, output: 1200 },
    { expr: '$to_minor_units(total, "KWD")', input: { total: 1.5 }, output: 1500 },
    { expr: '$to_minor_units(total, "JPY")', input: { total: 12.5 }, throws: "more than 0 decimals for JPY" },
  ],
};

/** `$from_minor_units(minor, currency)`: 1250 USD → 12.5, 1200 JPY → 1200, 1500 KWD → 1.5. */
export const fromMinorUnits: LibraryFunction = {
  name: "from_minor_units",
  signature: "<j?s:n>",
  doc: "An integer of minor units (Stripe's `amount`) as a number of major units, using the currency's ISO 4217 exponent.",
  implementation: (value: unknown, currency: string): number | undefined => {
    if (isMissing(value)) return undefined;
    const exponent = currencyExponent("from_minor_units", currency);
    const minor = amountOf("from_minor_units", value);
    if (!Number.isInteger(minor)) throw conversionError("from_minor_units", value, "not an integer");
    // Dividing through a decimal string keeps 1999 / 100 at 19.99 instead of 19.990000000000002.
    return Number((minor / 10 ** exponent).toFixed(exponent));
  },
  examples: [
    { expr: "$from_minor_units(amount, currency)", input: { amount: 1999, currency: "usd" }, output: 19.99 },
    { expr: '$from_minor_units(amount, "JPY")', input: { amount: 1200 }, output: 1200 },
    { expr: '$from_minor_units(amount, "KWD")', input: { amount: 1500 }, output: 1.5 },
  ],
};

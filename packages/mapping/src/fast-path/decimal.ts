/**
 * `$number` of a string in the reference's decimal grammar (`fn.number` tests
 * `/^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/`, then `parseFloat`), scanned by hand: the regular
 * expression and `parseFloat` were most of the cost of `$number(price)` on the order mapping
 * (issue 17, steady state). Returns `undefined` for a string outside the grammar.
 */
export function decimalValue(text: string): number | undefined {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45; // "-"
  let index = negative ? 1 : 0;
  // The digits as an integer while it stays exact (15 digits < 2^53), and how many were fraction.
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  const integerStart = index;
  while (isDigit(text.charCodeAt(index))) {
    mantissa = mantissa * 10 + (text.charCodeAt(index++) - 48);
    digits++;
  }
  if (index === integerStart) return undefined;
  if (text.charCodeAt(index) === 46) {
    // "."
    const fractionStart = ++index;
    while (isDigit(text.charCodeAt(index))) {
      mantissa = mantissa * 10 + (text.charCodeAt(index++) - 48);
      digits++;
    }
    fractionDigits = index - fractionStart;
    if (fractionDigits === 0) return undefined;
  }
  if (index === length) {
    // An exact integer divided by an exact power of ten rounds once: the correctly rounded
    // value `parseFloat` returns.
    if (digits > 15) return Number.parseFloat(text);
    const value = mantissa / POWERS_OF_TEN[fractionDigits]!;
    return negative ? -value : value;
  }
  if ((text.charCodeAt(index) | 32) !== 101) return undefined; // "e" or "E"
  index++;
  const sign = text.charCodeAt(index);
  if (sign === 43 || sign === 45) index++;
  const exponentStart = index;
  while (isDigit(text.charCodeAt(index))) index++;
  if (index === exponentStart || index !== length) return undefined;
  return Number.parseFloat(text);
}

/** `charCodeAt` past the end gives `NaN`, which is no digit. */
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The check-digit algorithms that tell a card number or an IBAN from any other run of digits,
 * so the detectors hide real ones and leave order ids, amounts and timestamps alone.
 */

/** Luhn (ISO/IEC 7812-1 annex B) over a string of digits: every card number passes it. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 IBAN check: move the first four characters to the end, turn letters into numbers
 * (A = 10 … Z = 35) and the result mod 97 must be 1. Takes the compact form (no spaces).
 */
export function ibanValid(iban: string): boolean {
  const compact = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  // Piecewise mod keeps every intermediate value far below 2^53.
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

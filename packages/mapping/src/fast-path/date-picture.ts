/**
 * `$fromMillis(ms, picture)` with a constant picture: JSONata parses the picture string on every
 * call; the fast path parses it once at compile time. Only zero-padded numeric markers of a
 * fixed width are compiled (`[Y0001]`, `[M01]`, `[D01]`, `[H01]`, `[m01]`, `[s01]`, `[f001]`),
 * in UTC, for years 1000–9999 (where a 4-digit year is exactly the year); any other picture or
 * value runs the engine's own implementation.
 */

/** Formats a millisecond timestamp, or returns `undefined` when the engine must decide. */
export type DateFormatter = (millis: number) => string | undefined;

const MARKERS: Record<string, (date: Date) => string> = {
  "[Y0001]": (date) => String(date.getUTCFullYear()),
  "[M01]": (date) => pad2(date.getUTCMonth() + 1),
  "[D01]": (date) => pad2(date.getUTCDate()),
  "[H01]": (date) => pad2(date.getUTCHours()),
  "[m01]": (date) => pad2(date.getUTCMinutes()),
  "[s01]": (date) => pad2(date.getUTCSeconds()),
  "[f001]": (date) => String(date.getUTCMilliseconds()).padStart(3, "0"),
};

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Millisecond bounds of the years 1000–9999 (UTC). */
const FIRST = Date.UTC(1000, 0, 1);
const LAST = Date.UTC(10000, 0, 1) - 1;

/** Compiles a picture made only of the markers above and literal text, else `undefined`. */
export function compileDatePicture(picture: string): DateFormatter | undefined {
  const parts: (string | ((date: Date) => string))[] = [];
  let rest = picture;
  while (rest.length > 0) {
    const open = rest.indexOf("[");
    const close = rest.indexOf("]");
    if (open === -1) {
      if (close !== -1) return undefined;
      parts.push(rest);
      break;
    }
    if (close !== -1 && close < open) return undefined;
    if (open > 0) parts.push(rest.slice(0, open));
    const end = rest.indexOf("]", open);
    if (end === -1) return undefined;
    const marker = MARKERS[rest.slice(open, end + 1)];
    if (marker === undefined) return undefined;
    parts.push(marker);
    rest = rest.slice(end + 1);
  }
  return (millis) => {
    if (!Number.isInteger(millis) || millis < FIRST || millis > LAST) return undefined;
    const date = new Date(millis);
    let result = "";
    for (const part of parts) result += typeof part === "string" ? part : part(date);
    return result;
  };
}

import { MappingError, MappingErrorCode } from "../errors";
import { type EngineDates, engineDates } from "./_engine-dates";
import { conversionError, isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

const ISO_WITH_OFFSET = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
const HAS_ZONE = /([zZ]|[+-]\d{2}:?\d{2})$/;

function dates(focus: unknown, fn: string): EngineDates {
  const engine = engineDates(focus);
  if (engine === undefined) {
    throw new MappingError(
      MappingErrorCode.RUNTIME,
      `${fn} was called before the JSONata date engine was ready`,
    );
  }
  return engine;
}

/** A JSONata offset (`+0200`) for a time zone given as `Z`, `UTC`, `+02:00` or an IANA name at an instant. */
function offsetOf(fn: string, timezone: string, millis: number): { text: string; minutes: number } {
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(timezone);
  let minutes: number;
  if (timezone === "Z" || timezone.toUpperCase() === "UTC") minutes = 0;
  else if (numeric) minutes = (numeric[1] === "-" ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
  else {
    let name: string | undefined;
    try {
      name = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" })
        .formatToParts(new Date(millis))
        .find((part) => part.type === "timeZoneName")?.value;
    } catch {
      throw conversionError(fn, timezone, "not a time zone");
    }
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
    minutes = match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  }
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const text = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
  return { text, minutes };
}

function toMillis(engine: EngineDates, fn: string, value: string, picture?: string): number {
  let millis: number | undefined;
  try {
    millis = engine.toMillis(value, picture);
  } catch {
    millis = undefined;
  }
  if (millis === undefined || Number.isNaN(millis)) {
    throw conversionError(
      fn,
      value,
      picture === undefined ? "not an ISO 8601 date" : `does not match picture ${picture}`,
    );
  }
  return millis;
}

/** `$date_format(date, picture?, timezone?)`: formats a date with a JSONata picture string. */
export const dateFormat: LibraryFunction = {
  name: "date_format",
  signature: "<j?s?s?:s>",
  doc: "Formats an ISO 8601 string or epoch milliseconds with a JSONata/XPath picture string (`[Y0001]-[M01]-[D01]`) in a time zone (`+02:00`, `Z` or an IANA name such as `Europe/Paris`); ISO 8601 in UTC by default.",
  implementation: function (
    this: unknown,
    value: unknown,
    picture?: string,
    timezone?: string,
  ): string | undefined {
    if (isMissing(value)) return undefined;
    const engine = dates(this, "date_format");
    let millis: number;
    if (typeof value === "number") millis = value;
    else if (typeof value === "string") millis = toMillis(engine, "date_format", value);
    else throw conversionError("date_format", value, "not a date");
    if (timezone === undefined) return engine.fromMillis(millis, picture);
    return engine.fromMillis(
      millis,
      picture ?? ISO_WITH_OFFSET,
      offsetOf("date_format", timezone, millis).text,
    );
  },
  examples: [
    {
      expr: '$date_format(created_at, "[D01]/[M01]/[Y0001]")',
      input: { created_at: "2024-03-05T10:00:00Z" },
      output: "05/03/2024",
    },
    { expr: "$date_format(ts)", input: { ts: 1700000000000 }, output: "2023-11-14T22:13:20.000Z" },
    {
      expr: '$date_format(at, "[H01]:[m01]", "Europe/Paris")',
      input: { at: "2024-07-01T12:00:00Z" },
      output: "14:00",
    },
    {
      expr: "$date_format(at)",
      input: { at: "yesterday" },
      throws: 'date_format got "yesterday" (not an ISO 8601 date)',
    },
  ],
};

/** `$date_parse(text, picture?, timezone?)`: parses a date to an ISO 8601 UTC string. */
export const dateParse: LibraryFunction = {
  name: "date_parse",
  signature: "<j?s?s?:s>",
  doc: 'Parses a date to an ISO 8601 UTC string: text by a JSONata picture string (ISO 8601 when none), a number as epoch milliseconds, or epoch seconds with the picture "unix". A time zone (offset or IANA name) applies to text that carries no zone of its own.',
  implementation: function (
    this: unknown,
    value: unknown,
    picture?: string,
    timezone?: string,
  ): string | undefined {
    if (isMissing(value)) return undefined;
    const engine = dates(this, "date_parse");
    let millis: number;
    if (typeof value === "number") millis = picture === "unix" ? value * 1000 : value;
    else if (typeof value === "string") {
      millis = toMillis(engine, "date_parse", value, picture);
      const zoned = picture === undefined ? HAS_ZONE.test(value) : /\[Z|\[z/.test(picture);
      if (timezone !== undefined && !zoned) {
        // Local wall time: subtract the zone's offset, taken at the corrected instant for DST.
        const first = offsetOf("date_parse", timezone, millis).minutes;
        millis -= offsetOf("date_parse", timezone, millis - first * 60_000).minutes * 60_000;
      }
    } else throw conversionError("date_parse", value, "not a date");
    return engine.fromMillis(millis);
  },
  examples: [
    {
      expr: '$date_parse(d, "[D01]/[M01]/[Y0001]")',
      input: { d: "05/03/2024" },
      output: "2024-03-05T00:00:00.000Z",
    },
    {
      expr: '$date_parse(created, "unix")',
      input: { created: 1700000000 },
      output: "2023-11-14T22:13:20.000Z",
    },
    {
      expr: '$date_parse(d, "[Y0001]-[M01]-[D01] [H01]:[m01]", "America/New_York")',
      input: { d: "2024-01-15 09:30" },
      output: "2024-01-15T14:30:00.000Z",
    },
    {
      expr: '$date_parse(d, "[Y0001]-[M01]-[D01]")',
      input: { d: "15.01.2024" },
      throws: "does not match picture",
    },
  ],
};

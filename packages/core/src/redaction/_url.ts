/**
 * URL and form-body plumbing for the exchange redactor: each part is decoded before detectors
 * see it (a `%40` hides an email's `@`, a `+` is a space in a query) and only changed parts are
 * re-encoded, so an untouched URL comes back byte for byte.
 */

const decode = (text: string, plusIsSpace: boolean): string => {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, " ") : text);
  } catch {
    return text;
  }
};

/** Percent-encodes, but keeps the marker's `[`, `]` and `:` readable. */
const encode = (text: string): string =>
  encodeURIComponent(text).replace(/%5B/gi, "[").replace(/%5D/gi, "]").replace(/%3A/gi, ":");

/**
 * Redacts an `application/x-www-form-urlencoded` string (a query without its `?`, or a form
 * body): names go through `redactText`, values through `redactParam` with their decoded name.
 */
export function redactFormString(
  form: string,
  redactText: (text: string) => string,
  redactParam: (name: string, value: string) => string,
): string {
  if (form === "") return form;
  return form
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      const rawValue = equals === -1 ? "" : pair.slice(equals + 1);
      const name = decode(rawName, true);
      const value = decode(rawValue, true);
      const redactedName = redactText(name);
      const redactedValue = redactParam(name, value);
      const nameOut = redactedName === name ? rawName : encode(redactedName);
      if (equals === -1) return nameOut;
      return `${nameOut}=${redactedValue === value ? rawValue : encode(redactedValue)}`;
    })
    .join("&");
}

/**
 * Redacts a URL (absolute or a bare path): user-info is replaced whole, each path segment and
 * the fragment go through `redactText`, each query parameter through `redactParam`.
 */
export function redactUrlParts(
  url: string,
  redactText: (text: string) => string,
  redactParam: (name: string, value: string) => string,
  userInfoMarker: string,
): string {
  let rest = url;
  let origin = "";
  const authority = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (authority !== null) {
    const scheme = authority[1] ?? "";
    let host = authority[2] ?? "";
    const at = host.lastIndexOf("@");
    if (at !== -1) host = `${userInfoMarker}@${host.slice(at + 1)}`;
    origin = `${scheme}${host}`;
    rest = url.slice(authority[0].length);
  }
  const hashAt = rest.indexOf("#");
  const fragment = hashAt === -1 ? undefined : rest.slice(hashAt + 1);
  if (hashAt !== -1) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf("?");
  const query = queryAt === -1 ? undefined : rest.slice(queryAt + 1);
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);

  const redactedPath = path
    .split("/")
    .map((segment) => {
      const decoded = decode(segment, false);
      const redacted = redactText(decoded);
      return redacted === decoded ? segment : encode(redacted);
    })
    .join("/");
  let result = origin + redactedPath;
  if (query !== undefined) result += `?${redactFormString(query, redactText, redactParam)}`;
  if (fragment !== undefined) {
    const decoded = decode(fragment, false);
    const redacted = redactText(decoded);
    result += `#${redacted === decoded ? fragment : encode(redacted)}`;
  }
  return result;
}

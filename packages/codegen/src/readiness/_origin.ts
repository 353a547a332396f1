// Credentials go only to the environment's own origin (issue 19): a next link or a redirect
// naming another host is a finding, never a request carrying the partner's secret.

/** The origin (scheme, host, port; RFC 6454 §4) of a URL, or undefined when it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Whether a URL (absolute, or relative to `baseUrl`) is on `baseUrl`'s origin. */
export function isSameOrigin(url: string, baseUrl: string): boolean {
  const base = originOf(baseUrl);
  if (base === undefined) return false;
  try {
    return new URL(url, baseUrl).origin === base;
  } catch {
    return false;
  }
}

/** Whether any header or query value carries one of the secrets (a credential placed by hand). */
export function carriesSecret(
  headers: Readonly<Record<string, string>>,
  query: readonly (readonly [string, string])[],
  secrets: readonly string[],
): boolean {
  const values = [...Object.values(headers), ...query.map(([, value]) => value)];
  return secrets.some((secret) => secret !== "" && values.some((value) => value.includes(secret)));
}

import { ErrorCode, ValidationError } from "../errors";
import { toJsonPointer } from "../json";
import { redactUrlParts } from "./_url";
import { CREDENTIAL_QUERY_PARAMS, normaliseKey } from "./credential-rules";
import { redactionMarker } from "./detectors";
import { isCredentialName } from "./exchange-redactor";

/**
 * What connector ref answers show in place of a secret config value: a whole value (a field the
 * connector declares secret, a credential-named key) or a credential inside a URL.
 */
export const HIDDEN_CONFIG_SECRET: string = redactionMarker("secret");

/** A parsed secret-field pointer: one key per segment, `*` for any key or index. */
export type SecretFieldPath = readonly string[];

type Config = Record<string, unknown>;
type Segment = string | number;

const isObject = (value: unknown): value is Config =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
const CREDENTIAL_PARAMS = new Set(CREDENTIAL_QUERY_PARAMS);

/**
 * Parses a connector's secret field, a JSON pointer into its config (`/webhookUrl`,
 * `/auth/password`, `/baseUrls/*`). `where` names it in the error.
 * @throws ValidationError `CONNECTOR_INVALID` for a pointer that is empty or does not start with `/`.
 */
export function parseSecretField(pointer: string, where: string): SecretFieldPath {
  const segments = pointer.split("/").slice(1);
  if (!pointer.startsWith("/") || segments.some((segment) => segment === "")) {
    throw new ValidationError(
      `${where}: secret field "${pointer}" is not a JSON pointer to a config field (e.g. "/webhookUrl")`,
      { code: ErrorCode.CONNECTOR_INVALID },
    );
  }
  return segments.map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

const isDeclared = (fields: readonly SecretFieldPath[], path: readonly Segment[]): boolean =>
  fields.some(
    (field) =>
      field.length === path.length &&
      field.every((segment, index) => segment === "*" || segment === String(path[index])),
  );

/** A URL with its user-info and credential query values hidden; any other text as it is. */
function hideUrlCredentials(text: string): string {
  if (!ABSOLUTE_URL.test(text)) return text;
  const hideParam = (name: string, value: string): string =>
    isCredentialName(name) || CREDENTIAL_PARAMS.has(normaliseKey(name)) ? HIDDEN_CONFIG_SECRET : value;
  return redactUrlParts(text, (part) => part, hideParam, HIDDEN_CONFIG_SECRET);
}

function hideAt(value: unknown, fields: readonly SecretFieldPath[], path: Segment[]): unknown {
  const key = path.at(-1);
  const secret = isDeclared(fields, path) || (typeof key === "string" && isCredentialName(key));
  if (secret && value !== undefined && value !== null) return HIDDEN_CONFIG_SECRET;
  if (typeof value === "string") return hideUrlCredentials(value);
  if (Array.isArray(value)) return value.map((item, index) => hideAt(item, fields, [...path, index]));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, hideAt(item, fields, [...path, name])]),
    );
  }
  return value;
}

/**
 * A connector config as answers show it: the values of the connector's secret fields and of
 * credential-named keys (`password`, `apiKey`, `clientSecret`…, {@link isCredentialName}) become
 * {@link HIDDEN_CONFIG_SECRET}, and every URL keeps its host and path but not its user-info or
 * credential query values (`token`, `sig`, `code`, `key`…).
 *
 * @example
 * ```ts
 * hideConfigSecrets({ webhookUrl: "https://hooks.example/T0/B0/x", text: "hi" }, [["webhookUrl"]]);
 * // { webhookUrl: "[REDACTED:secret]", text: "hi" }
 * ```
 */
export function hideConfigSecrets(config: Config, fields: readonly SecretFieldPath[]): Config {
  return hideAt(config, fields, []) as Config;
}

const OMIT = Symbol("omit");

/** A marker that cannot be mapped back would be stored as the secret itself. */
const unmappedMarker = (path: readonly Segment[]): ValidationError =>
  new ValidationError(
    `connector ref config ${toJsonPointer(path)}: "${HIDDEN_CONFIG_SECRET}" stands for a stored secret, but nothing secret is stored there or the value around it changed; send the whole value`,
    { code: ErrorCode.CONNECTOR_INVALID, path: `/config${toJsonPointer(path)}` },
  );

function restoreAt(
  sent: unknown,
  stored: unknown,
  fields: readonly SecretFieldPath[],
  path: Segment[],
): unknown {
  if (typeof sent === "string" && sent.includes(HIDDEN_CONFIG_SECRET)) {
    if (stored !== undefined && hideAt(stored, fields, path) === sent) return stored;
    if (sent === HIDDEN_CONFIG_SECRET && stored === undefined) return OMIT;
    throw unmappedMarker(path);
  }
  if (Array.isArray(sent)) {
    const before = Array.isArray(stored) ? stored : [];
    return sent.map((item, index) => {
      const restored = restoreAt(item, before[index], fields, [...path, index]);
      // Leaving an item out would shift the rest: an array keeps no bare marker.
      if (restored === OMIT) throw unmappedMarker([...path, index]);
      return restored;
    });
  }
  if (isObject(sent)) {
    const before = isObject(stored) ? stored : {};
    const entries: [string, unknown][] = [];
    for (const [name, item] of Object.entries(sent)) {
      const restored = restoreAt(item, before[name], fields, [...path, name]);
      if (restored !== OMIT) entries.push([name, restored]);
    }
    return Object.fromEntries(entries);
  }
  return sent;
}

/**
 * The config to store for a write of a config as answers showed it: a value equal to what
 * {@link hideConfigSecrets} showed for the stored one stands for the stored value, so a console
 * form can be saved unchanged. A bare marker with nothing stored behind it is left out (the
 * connector's schema then says the field is missing).
 *
 * @throws ValidationError `CONNECTOR_INVALID` with the field's pointer for a marker that stands
 * for nothing stored (a masked URL that was edited around its marker).
 */
export function restoreConfigSecrets(
  sent: Config,
  stored: Config | undefined,
  fields: readonly SecretFieldPath[],
): Config {
  return restoreAt(sent, stored ?? {}, fields, []) as Config;
}

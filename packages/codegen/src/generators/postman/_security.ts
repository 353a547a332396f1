import { type OpenApiDocument, resolveRef } from "@synapseops/core";
import { isHeaderName } from "../../_http";
import { camelCase } from "../../schema/names";

type Obj = Record<string, unknown>;

const variableNames = new WeakMap<OpenApiDocument, Map<string, string>>();

/**
 * The collection variable that holds a scheme's credential (basic: `<name>Username` and
 * `<name>Password`): `camelCase` of the scheme's name, made unique in document order — Telnyx
 * declares `BearerAuth` and `bearerAuth`, and one shared variable sent one token for both
 * (issue 19). The corpus sweep fills the variables by this name too.
 */
export function credentialVariable(doc: OpenApiDocument, scheme: string): string {
  let names = variableNames.get(doc);
  if (!names) {
    names = new Map();
    const taken = new Set<string>();
    for (const name of Object.keys(doc.components?.securitySchemes ?? {})) {
      const base = camelCase(name);
      let unique = base;
      for (let n = 2; taken.has(unique.toLowerCase()); n++) unique = `${base}${n}`;
      // Case-blind: Postman's variables are case-sensitive, but a reader should not tell two apart by case.
      taken.add(unique.toLowerCase());
      names.set(name, unique);
    }
    variableNames.set(doc, names);
  }
  return names.get(scheme) ?? camelCase(scheme);
}

/** Collection auth for a security scheme that owns the request's auth slot (Authorization, or a header/query key). */
function schemeAuth(doc: OpenApiDocument, name: string, scheme: Obj): Obj {
  const variable = credentialVariable(doc, name);
  if (scheme.type === "apiKey") {
    return {
      type: "apikey",
      apikey: [
        { key: "key", value: String(scheme.name ?? name), type: "string" },
        { key: "value", value: `{{${variable}}}`, type: "string" },
        { key: "in", value: scheme.in === "query" ? "query" : "header", type: "string" },
      ],
    };
  }
  if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "basic") {
    return {
      type: "basic",
      basic: [
        { key: "username", value: `{{${variable}Username}}`, type: "string" },
        { key: "password", value: `{{${variable}Password}}`, type: "string" },
      ],
    };
  }
  return { type: "bearer", bearer: [{ key: "token", value: `{{${variable}}}`, type: "string" }] };
}

/** Postman's `apikey` auth sends a key in a header or the query only: a cookie key goes beside it. */
function fitsAuthSlot(scheme: Obj): boolean {
  return scheme.type !== "apiKey" || scheme.in !== "cookie";
}

/**
 * The requirement a request satisfies: the first whose first scheme is defined. Postman's `auth`
 * holds one scheme; the API keys of an AND requirement beyond it (two keys, a key and a bearer
 * token), and a key in a cookie (Postman's `apikey` auth has no cookie place: ReadMe's security
 * examples were refused), are sent as explicit headers, query parameters or cookies beside it —
 * else every request 401s (issue 19). A key in a header no request can name is not sent, and a
 * requirement without one is preferred.
 */
export function chosenRequirement(
  doc: OpenApiDocument,
  security: readonly Record<string, string[]>[],
): { auth: Obj; query: Obj[]; header: Obj[] } | undefined {
  const schemes = (doc.components?.securitySchemes ?? {}) as Obj;
  const unsendable = (requirement: Record<string, string[]>): boolean =>
    Object.keys(requirement).some((n) => unsendableHeaderKey(resolveRef<Obj>(doc, schemes[n]) ?? {}));
  // A requirement every credential of which can be sent comes first.
  const ordered = [...security.filter((r) => !unsendable(r)), ...security.filter(unsendable)];
  for (const requirement of ordered) {
    // Postman's auth takes the scheme that owns Authorization (bearer, basic, oauth2); API keys go beside it.
    const isKey = (n: string): boolean => resolveRef<Obj>(doc, schemes[n])?.type === "apiKey";
    const [name, ...others] = Object.keys(requirement).sort((a, b) => Number(isKey(a)) - Number(isKey(b)));
    if (name === undefined) return { auth: { type: "noauth" }, query: [], header: [] };
    const scheme = resolveRef<Obj>(doc, schemes[name]);
    if (!scheme) continue;
    const inSlot = fitsAuthSlot(scheme) && !unsendableHeaderKey(scheme);
    const query: Obj[] = [];
    const header: Obj[] = [];
    const cookies: string[] = [];
    for (const other of inSlot ? others : [name, ...others]) {
      const extra = resolveRef<Obj>(doc, schemes[other]);
      // A second Authorization scheme cannot be sent beside the first: one header holds one.
      if (extra?.type !== "apiKey" || unsendableHeaderKey(extra)) continue;
      const variable = `{{${credentialVariable(doc, other)}}}`;
      const key = String(extra.name ?? other);
      if (extra.in === "query") query.push({ key, value: variable });
      else if (extra.in === "cookie") cookies.push(`${key}=${variable}`);
      else header.push({ key, value: variable });
    }
    if (cookies.length) header.push({ key: "Cookie", value: cookies.join("; ") });
    return { auth: inSlot ? schemeAuth(doc, name, scheme) : { type: "noauth" }, query, header };
  }
  return undefined;
}

/** An API key in a header whose name is no HTTP token: no client can send it (rapidapi's dynamicdocs). */
function unsendableHeaderKey(scheme: Obj): boolean {
  return (
    scheme.type === "apiKey" &&
    scheme.in !== "query" &&
    scheme.in !== "cookie" &&
    !isHeaderName(String(scheme.name ?? ""))
  );
}

/** The collection's variables for the document's credentials (placeholders for the user to fill). */
export function credentialVariables(doc: OpenApiDocument): Obj[] {
  const variables: Obj[] = [];
  for (const [name, raw] of Object.entries((doc.components?.securitySchemes ?? {}) as Obj)) {
    const scheme = resolveRef<Obj>(doc, raw) ?? {};
    const variable = credentialVariable(doc, name);
    if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "basic") {
      variables.push(
        { key: `${variable}Username`, value: "user", type: "string" },
        { key: `${variable}Password`, value: "password", type: "secret" },
      );
    } else variables.push({ key: variable, value: "change-me", type: "secret" });
  }
  return variables;
}

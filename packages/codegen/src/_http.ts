// HTTP message details the mock server and validateExchange read the same way: one place, so a
// request the playground accepts is one the mock accepts.

/**
 * The request body an operation can be sent with: none on GET and HEAD, where fetch refuses one
 * (and Postman prunes it), even when the document declares one (Stripe, Azure 2.0 `in: body`
 * on GET; issue 19). Every generator, the suites and the mock read this, so no side requires a
 * body the others cannot send.
 */
export function sendableRequestBody<T extends { method: string; requestBody?: unknown }>(
  op: T,
): T["requestBody"] | undefined {
  return op.method === "get" || op.method === "head" ? undefined : op.requestBody;
}

/**
 * The documented responses that can answer a request. A 1xx status is interim (RFC 9110 §15.2):
 * a final answer follows it, and fetch, Node and Postman never report one as the answer (a
 * `Response` cannot even hold it). edrv's WebSocket handshake documents only `101`, and the mock
 * answered it with a 500 (issue 19); an operation documenting only 1xx statuses documents no
 * final answer, and is served and checked as one documenting none.
 */
export function finalResponses<T extends { status: string }>(responses: readonly T[]): T[] {
  return responses.filter((r) => !/^1(\d\d|XX)$/i.test(r.status));
}

/**
 * Whether a response to the operation can carry a body: never to HEAD (RFC 9110 §9.3.2), even
 * when the document gives its response a JSON schema (Open Banking's `headAtms`; issue 19). The
 * suite checks no HEAD body against a schema, so an empty one is no failure.
 */
export function answersWithBody(op: { method: string }): boolean {
  return op.method.toLowerCase() !== "head";
}

/**
 * The path a client sends for a path template: without its fragment. AWS documents one path per
 * action as `/tags/{arn}#tagKeys` or `/#X-Amz-Target=…`; a `#` left in a URL turns the query
 * after it into a fragment no client sends (issue 19: Postman's `…/tags/x#tagKeys?tagKeys=…`).
 * The mock's router reads the fragment to tell such operations apart.
 */
export function sentPath(template: string): string {
  const hash = template.indexOf("#");
  return hash < 0 ? template : template.slice(0, hash);
}

/**
 * Path parameters no request can carry: the template puts them after its `#`, in a fragment no
 * client sends — masterpassqr's `/send/#env/v1/partners/{partnerId}/…`, where five operations
 * all reach the server as `POST /send/` without `partnerId` (issue 19). The document's own error:
 * the suite counts its cases as such (n/a), and Postman's test names it and expects a refusal.
 */
export function fragmentPathParameters(op: {
  path: string;
  parameters: readonly { in: string; name: string }[];
}): string[] {
  const sent = sentPath(op.path);
  const fragment = op.path.slice(sent.length);
  return op.parameters
    .filter((p) => p.in === "path" && fragment.includes(`{${p.name}}`) && !sent.includes(`{${p.name}}`))
    .map((p) => p.name);
}

/**
 * The names a path template's own query fills (`/search/articles?query={query}`, medium.com,
 * with `query` declared `in: query`): a client fills them in the template and does not send
 * them again in the query — `query={query}&query=startup` reached the mock as two values (400),
 * and a request leaving the parameter out had to change the path itself (issue 19).
 */
export function templateQueryNames(template: string): Set<string> {
  const sent = sentPath(template);
  const at = sent.indexOf("?");
  return new Set(at < 0 ? [] : [...sent.slice(at + 1).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!));
}

/** Whether a documented media range (`*\/*`, `image/*`) covers a content type. */
export function mediaMatches(pattern: string, type: string): boolean {
  if (pattern === "*/*") return true;
  const [a, b] = pattern.toLowerCase().split("/");
  const [c] = type.split("/");
  return b === "*" && a === c;
}

/** The documented media type for a (lower-case, parameter-free) content type: exact first, then a range. */
export function findMedia<T extends { contentType: string }>(
  content: readonly T[],
  type: string,
): T | undefined {
  return (
    content.find((m) => m.contentType.toLowerCase() === type) ??
    // A documented `application/json; charset=utf-8` covers `application/json` (issue 19).
    content.find((m) => mediaEssence(m.contentType) === type) ??
    content.find((m) => mediaMatches(mediaEssence(m.contentType), type))
  );
}

/** A media type without its parameters, lower-case: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaEssence(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** The value of one cookie in a `Cookie` header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/**
 * Whether a name can name an HTTP header: a field name is a token (RFC 9110 §5.1, §5.6.2). No
 * client can send `ADVICEment API Key` (rapidapi's dynamicdocs; fetch and Postman refuse it, and
 * the mock's `Headers.get` threw: a 500), so nothing may require it (issue 19).
 */
export function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

/**
 * Parameters a server never reads as documented (issue 19): OpenAPI 3 §4.8.12.1 says header
 * parameters named `Accept`, `Content-Type` or `Authorization` SHALL be ignored (content
 * negotiation and security schemes own those headers), a parameter without a name names
 * nothing (`Headers.get("")` even throws), and a header name that is no HTTP token cannot be sent.
 * Nor are the message's framing and connection headers parameters (RFC 9112 §6, §9; fetch
 * forbids setting them): the HTTP client writes them for the body it sends. A sample of them
 * breaks the message — PeerTube's and Azure Monitor's `Content-Length: 262144` over a short body
 * left the mock waiting for the rest (no answer), Data Lake's `Transfer-Encoding` made fetch fail.
 */
export function isIgnoredParameter(param: { in: string; name: string }): boolean {
  return (
    param.name === "" ||
    (param.in === "header" &&
      (/^(accept|content-type|authorization)$/i.test(param.name) ||
        FRAMING_HEADER.test(param.name) ||
        !isHeaderName(param.name)))
  );
}

const FRAMING_HEADER =
  /^(content-length|transfer-encoding|host|connection|keep-alive|te|trailer|upgrade|expect)$/i;

/**
 * Whether a request sends the parameter: a required one, or an optional header fetch fills by
 * itself when the caller does not (`Accept-Language: *`, `User-Agent: node`, Fetch standard
 * "HTTP-network-or-cache fetch") — the runtime's value can break the document's schema
 * (pims.io's `Accept-Language` enum `de, en, fr`; issue 19), a sample of it cannot.
 */
export function isSentParameter(param: { in: string; name: string; required: boolean }): boolean {
  if (isIgnoredParameter(param)) return false;
  return (
    param.required ||
    param.in === "path" ||
    (param.in === "header" && /^(accept-language|accept-encoding|user-agent)$/i.test(param.name))
  );
}

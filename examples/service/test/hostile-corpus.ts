/**
 * A seeded generator of hostile HTTP requests for the service's fuzz test (issue 16.4): ids and
 * strings with NUL, lone surrogates, huge or odd unicode; numbers at the edges of int4 and of
 * doubles; deep nesting; wrong types; huge query strings; malformed JSON, wrong media types,
 * wrong methods; and raw requests Node's parser refuses before Fastify sees them.
 */

/** A request as the fuzz test sends it: through `node:http`, or as raw bytes on a socket. */
export type HostileRequest =
  | {
      kind: "http";
      method: string;
      /** Already percent-encoded: ASCII only. */
      path: string;
      headers: Record<string, string>;
      body?: string;
      label: string;
    }
  | { kind: "raw"; bytes: string; label: string };

/** Ids of real entities, so hostile parts meet real data past the lookups. */
export interface KnownIds {
  projectId: string;
  blueprintId: string;
  runId: string;
}

/** mulberry32: a small seeded PRNG, so a failing request can be regenerated from the seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS: readonly string[] = [
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDFFFy",
  "\uDBFF",
  "\uDBFF\uDFFF",
  "😀",
  "ünïcödé ‮ mixed",
  "\uFEFF",
  "",
  " ",
  "\r\n",
  "x".repeat(5_000),
  "é".repeat(20_000),
  "../../etc/passwd",
  "' OR 1=1 --",
  "__proto__",
  "constructor",
  "%00",
  "null",
  "$where",
  "<script>alert(1)</script>",
];

/** Raw JSON number texts: int4 and int8 edges, unsafe integers, overflowing doubles. */
const HOSTILE_NUMBERS: readonly string[] = [
  "0",
  "-1",
  "1",
  "2147483647",
  "2147483648",
  "-2147483648",
  "-2147483649",
  "4294967296",
  "9007199254740993",
  "1e308",
  "1e400",
  "-1e400",
  "1.5",
  "-0",
  "99999999999999999999999999",
];

/** How a value is written into a URL path or query: percent-encoded UTF-8, or raw WTF-8 for lone surrogates. */
export function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate has no UTF-8 form; send its WTF-8 bytes, as a hostile client may.
    return [...text]
      .map((char) => {
        const code = char.charCodeAt(0);
        if (code >= 0xd800 && code <= 0xdfff && char.length === 1) {
          return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
        }
        return encodeURIComponent(char);
      })
      .join("");
  }
}

/** JSON text nesting `levels` deep, built as text so the generator itself cannot overflow. */
function deepJson(levels: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(levels)}1${"]".repeat(levels)}`
    : `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

/** Where a hostile value goes, and the valid request around it. */
interface Route {
  method: string;
  /** `:id`, `:revision`, `:channel` are filled in. */
  path: string;
  query?: readonly string[];
  /** A valid body whose fields the fuzzer replaces one at a time. */
  body?: (ids: KnownIds) => Record<string, unknown>;
}

const ROUTES: readonly Route[] = [
  { method: "GET", path: "/health" },
  { method: "GET", path: "/openapi.json" },
  { method: "POST", path: "/projects", body: () => ({ name: "fuzz", description: "d" }) },
  { method: "GET", path: "/projects", query: ["limit", "cursor"] },
  { method: "GET", path: "/projects/:id" },
  {
    method: "POST",
    path: "/projects/:id/connectors",
    body: () => ({ type: "memory", name: "fuzz", config: { channel: "fuzz" } }),
  },
  { method: "GET", path: "/projects/:id/connectors" },
  { method: "GET", path: "/projects/:id/blueprints", query: ["limit", "cursor"] },
  {
    method: "POST",
    path: "/projects/:id/blueprints",
    body: () => ({
      intent: "fuzz",
      source: { connector: "con_x", schema: { type: "object" } },
      target: { connector: "con_y", schema: { type: "object" } },
    }),
  },
  { method: "GET", path: "/blueprints/:id" },
  { method: "PATCH", path: "/blueprints/:id", body: () => ({ expectedRevision: 1, patch: { tags: ["x"] } }) },
  { method: "POST", path: "/blueprints/:id/validate" },
  { method: "POST", path: "/blueprints/:id/approve" },
  { method: "GET", path: "/blueprints/:id/revisions", query: ["limit", "cursor"] },
  { method: "GET", path: "/blueprints/:id/revisions/:revision" },
  { method: "GET", path: "/blueprints/:id/diff", query: ["from", "to"] },
  {
    method: "POST",
    path: "/blueprints/:id/mapping-tests",
    body: () => ({ input: { sku: "A" }, revision: 1 }),
  },
  { method: "GET", path: "/blueprints/:id/export" },
  {
    method: "POST",
    path: "/blueprints/:id/runs",
    body: () => ({ records: [{ orderId: "o-1", sku: "A", quantity: 1 }], dryRun: true }),
  },
  { method: "GET", path: "/blueprints/:id/runs", query: ["limit", "cursor", "status"] },
  { method: "GET", path: "/runs/:id" },
  { method: "GET", path: "/runs/:id/logs", query: ["after", "level", "limit"] },
  { method: "GET", path: "/runs/:id/metrics" },
  { method: "GET", path: "/dead-letters", query: ["limit", "cursor", "blueprintId", "runId", "replayed"] },
  { method: "POST", path: "/dead-letters/replay", body: () => ({ deadLetterIds: ["dl_x"] }) },
  { method: "GET", path: "/sandbox/:channel" },
  { method: "GET", path: "/console/:id" },
];

const CONTENT_TYPES: readonly string[] = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/json; charset=utf-16",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/json; charset=",
  "*/*",
];

const MALFORMED_BODIES: readonly string[] = [
  "{",
  "}",
  "[1,]",
  '{"a":1,}',
  "nul",
  "'single'",
  '{"name": "x" "y"}',
  "\u0000",
  '{"__proto__": {"polluted": true}, "name": "x"}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '"\\ud800"',
  '{"name": "\\u0000"}',
  '{"name": "\\udfff"}',
  '{"a":"\\x41"}',
  "",
];

/**
 * Generates `count` hostile requests from `seed`: the same seed, the same requests. Each
 * request mutates one thing of a valid one (an id, a query value, a body field, the body,
 * the media type, the method) or is a raw request for the HTTP parser.
 */
export function hostileRequests(seed: number, count: number, ids: KnownIds): HostileRequest[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hostileJson = (): string => {
    const roll = random();
    if (roll < 0.35) return JSON.stringify(pick(HOSTILE_STRINGS));
    if (roll < 0.6) return pick(HOSTILE_NUMBERS);
    if (roll < 0.7) return deepJson(pick([129, 200, 5_000, 20_000]), pick(["array", "object"]));
    return pick(["null", "true", "[]", "{}", '[""]', '{"":""}', "[null]", '{"\\u0000":1}', '{"\\ud800":1}']);
  };
  const hostileSegment = (): string => {
    const roll = random();
    if (roll < 0.6) return encodeComponent(pick(HOSTILE_STRINGS).slice(0, 3_000));
    if (roll < 0.8) return pick(HOSTILE_NUMBERS);
    return pick(["%", "%ZZ", "%E0%A4%A", "%C0%80", "%FF", "%2F..%2F", "..", "%25", "a%00", "%uD800"]);
  };
  const idFor = (path: string): string =>
    path.startsWith("/projects") ? ids.projectId : path.startsWith("/runs") ? ids.runId : ids.blueprintId;

  const requests: HostileRequest[] = [];
  for (let index = 0; index < count; index++) {
    const route = pick(ROUTES);
    const roll = random();
    if (roll < 0.04) {
      requests.push(rawRequest(random, pick, route.path.replace(":id", idFor(route.path))));
      continue;
    }
    let path = route.path
      .replace(":id", random() < 0.5 ? hostileSegment() : idFor(route.path))
      .replace(":revision", random() < 0.7 ? hostileSegment() : "1")
      .replace(":channel", random() < 0.7 ? hostileSegment() : "erp");
    const headers: Record<string, string> = {};
    let body: string | undefined;
    let method = route.method;
    let label = `${route.method} ${route.path}`;

    if (route.query && random() < 0.6) {
      const query = route.query
        .filter(() => random() < 0.6)
        .map((name) => `${name}=${random() < 0.8 ? hostileSegment() : encodeComponent(hostileJson())}`);
      if (random() < 0.1) query.push(`limit=1&limit=2&cursor[]=x&${route.query[0]}[a]=b`);
      path += `?${query.join("&")}`;
      label += " (query)";
    } else if (random() < 0.05) {
      // A long query string: within Node's 16 KiB header limit, and past it (431).
      path += `?cursor=${"a".repeat(pick([8_000, 15_000, 40_000]))}`;
      label += " (long query)";
    }

    if (route.body) {
      headers["content-type"] = "application/json";
      const valid = route.body(ids);
      const bodyRoll = random();
      if (bodyRoll < 0.5) {
        // One field of a valid body replaced, or a hostile field added at depth.
        const keys = Object.keys(valid);
        const key = pick(keys);
        const fields = Object.entries(valid)
          .filter(([name]) => name !== key)
          .map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
        fields.push(`${JSON.stringify(key)}:${random() < 0.8 ? hostileJson() : `[${hostileJson()}]`}`);
        body = `{${fields.join(",")}}`;
        label += ` (body /${key})`;
      } else if (bodyRoll < 0.65) {
        body = hostileJson();
        label += " (body)";
      } else if (bodyRoll < 0.8) {
        body = pick(MALFORMED_BODIES);
        label += " (malformed body)";
      } else if (bodyRoll < 0.97) {
        headers["content-type"] = pick(CONTENT_TYPES);
        body = JSON.stringify(valid);
        label += " (media type)";
      } else {
        // Past the 1 MiB body limit.
        body = JSON.stringify({ ...valid, padding: "x".repeat(1_100_000) });
        label += " (large body)";
      }
    } else if (random() < 0.1) {
      headers["content-type"] = "application/json";
      body = hostileJson();
      label += " (unexpected body)";
    }

    if (random() < 0.06) {
      method = pick(["DELETE", "PUT", "PATCH", "POST", "OPTIONS", "TRACE", "PROPFIND"]);
      label += ` (method ${method})`;
    }
    if (method === "GET" || method === "HEAD") body = undefined;
    requests.push({ kind: "http", method, path, headers, ...(body === undefined ? {} : { body }), label });
  }
  return requests;
}

/** A request Node's HTTP parser or Fastify's router refuses before any route runs. */
function rawRequest(random: () => number, pick: <T>(items: readonly T[]) => T, path: string): HostileRequest {
  const forms: readonly [string, string][] = [
    [
      "bad content-length",
      `POST /projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`,
    ],
    [
      "negative content-length",
      `POST /projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`,
    ],
    [
      "two content-lengths",
      `POST /projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    ],
    [
      "chunked and length",
      `POST /projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`,
    ],
    [
      "bad chunk",
      `POST /projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
    ],
    ["garbage request line", "GARBAGE\r\n\r\n"],
    ["bad version", `GET ${path} HTTP/9.9\r\nHost: x\r\n\r\n`],
    ["NUL in header", `GET ${path} HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n`],
    ["huge header", `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`],
    ["many headers", `GET ${path} HTTP/1.1\r\nHost: x\r\n${"X-H: 1\r\n".repeat(3_000)}\r\n`],
    ["huge url", `GET ${path}?q=${"a".repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    ["space in url", `GET /projects/a b HTTP/1.1\r\nHost: x\r\n\r\n`],
    ["absolute url", `GET http://evil.example${path} HTTP/1.1\r\nHost: x\r\n\r\n`],
    ["asterisk url", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["no host", `GET ${path} HTTP/1.1\r\n\r\n`],
    ["bare LF", `GET ${path} HTTP/1.1\nHost: x\n\n`],
    ["header folding", `GET ${path} HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n`],
    ["invalid method", `G\u00c9T ${path} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ];
  const [label, request] = pick(forms);
  // Every raw request closes its connection, so the answer is whatever arrives before close.
  const bytes = random() < 0.5 ? request : request.replace("\r\n", "\r\nConnection: close\r\n");
  return { kind: "raw", bytes, label: `raw: ${label}` };
}

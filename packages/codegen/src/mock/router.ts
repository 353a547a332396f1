import type { OperationDescriptor } from "@synapseops/core";
import { isHeaderName, sentPath } from "../_http";

/** An operation matched to a request path, with its raw path parameter values. */
export interface RouteMatch {
  operation: OperationDescriptor;
  pathParams: Record<string, string>;
}

interface Route {
  operation: OperationDescriptor;
  regex: RegExp;
  names: string[];
  /** Literal characters: more specific templates win (`/pets/mine` over `/pets/{id}`). */
  literalLength: number;
  /**
   * What the template's fragment asks of the request: AWS documents one path per action as
   * `/#X-Amz-Target=Svc.Action` or `/finding/{id}#analyzerArn` — a fragment no client sends, so
   * the header or query value it names tells the operations apart (issue 19).
   */
  requires: [string, string][];
  /** Path parameters the template's query carries: `[query key, parameter name]`. */
  fromQuery: [string, string][];
}

/** The request parts a template's fragment can point at, and the operation meant, if known. */
export interface RouteRequest {
  headers: Headers;
  query: URLSearchParams;
  /** The operation to take among equally specific templates (see `MockServerOptions.operationHint`). */
  operationId?: string;
}

/** Matches request paths against the operations' templates; static segments win over parameters. */
export class Router {
  private readonly routes = new Map<string, Route[]>();

  constructor(operations: readonly OperationDescriptor[]) {
    for (const operation of operations) {
      const names: string[] = [];
      const sent = sentPath(operation.path);
      const requires = [...new URLSearchParams(operation.path.slice(sent.length + 1))];
      // A query in the template (icons8's `/categories?platform={platform}&language={language}`)
      // is sent as a query: its literal pairs are required like a fragment's, and its `{name}`
      // values are path parameters read from the request's query (issue 19).
      const queryAt = sent.indexOf("?");
      const template = queryAt < 0 ? sent : sent.slice(0, queryAt);
      const fromQuery: [string, string][] = [];
      for (const [key, value] of queryAt < 0 ? [] : new URLSearchParams(sent.slice(queryAt + 1))) {
        const param = /^\{([^}]+)\}$/.exec(value);
        if (param) fromQuery.push([key, param[1]!]);
        else requires.push([key, value]);
      }
      const source = template
        .split("/")
        .map((segment) => segmentSource(segment, operation, names))
        .join("/");
      const route: Route = {
        operation,
        regex: new RegExp(`^${source}/?$`),
        names,
        literalLength: template.replace(/\{[^}]+\}/g, "").length,
        requires: [...requires, ...fromQuery.map(([key]): [string, string] => [key, ""])],
        fromQuery,
      };
      const list = this.routes.get(operation.method) ?? [];
      list.push(route);
      this.routes.set(operation.method, list);
    }
    for (const list of this.routes.values())
      list.sort(
        (a, b) =>
          b.literalLength - a.literalLength ||
          a.names.length - b.names.length ||
          b.requires.length - a.requires.length,
      );
  }

  /** The operation for a method and path (without the server's base path), if any. */
  match(method: string, path: string, request?: RouteRequest): RouteMatch | undefined {
    return this.matchAll(method, path, request)[0];
  }

  /**
   * Every operation the request can mean, best first. Templates that differ only in parameter
   * names (`/collection/{id}` and `/collection/{slug}`, thenounproject; Google's `/v1/{jobName}`
   * and `/v1/{name}`) are one template to the router: the hinted operation alone, else all of
   * them, for the server to take the first whose parameters the request fits (issue 19).
   */
  matchAll(method: string, path: string, request?: RouteRequest): RouteMatch[] {
    // Fragments only tell operations apart: a request none of them fits (its required query
    // parameter left out, say) still reaches the path's first operation, which refuses it.
    const found = request ? this.find(method, path, request) : [];
    return found.length > 0 ? found : this.find(method, path).slice(0, 1);
  }

  private find(method: string, path: string, request?: RouteRequest): RouteMatch[] {
    const fits = (route: Route): boolean =>
      route.regex.test(path) &&
      (!request || route.requires.every(([key, value]) => holds(request, key, value)));
    const routes = this.routes.get(method.toLowerCase()) ?? [];
    const first = routes.find(fits);
    if (!first) return [];
    const alike = routes.filter((route) => route.regex.source === first.regex.source && fits(route));
    const hinted = alike.find((route) => route.operation.operationId === request?.operationId);
    return (hinted ? [hinted] : alike).map((route) => this.matched(route, path, request));
  }

  private matched(route: Route, path: string, request?: RouteRequest): RouteMatch {
    const found = route.regex.exec(path)!;
    const pathParams: Record<string, string> = {};
    route.names.forEach((name, index) => {
      pathParams[name] = safeDecode(found[index + 1] ?? "");
    });
    for (const [key, name] of route.fromQuery) {
      const value = request?.query.get(key);
      if (value !== null && value !== undefined) pathParams[name] = value;
    }
    return { operation: route.operation, pathParams };
  }

  /** Whether any method serves this path (for 405 vs 404). */
  hasPath(path: string): boolean {
    for (const list of this.routes.values()) if (list.some((route) => route.regex.test(path))) return true;
    return false;
  }
}

/**
 * A segment's pattern. Parameters side by side in one segment (`{pageName}{mediaTypeExtension}`,
 * healthcare.gov; issue 19) split at an enum's values: a parameter with string enum values
 * captures only those, and one before another parameter captures as little as it can — a greedy
 * split left the extension `n` of `page.json`.
 */
function segmentSource(segment: string, operation: OperationDescriptor, names: string[]): string {
  const parts = segment.split(/(\{[^}]+\})/).filter((part) => part !== "");
  const shared = parts.filter((part) => /^\{[^}]+\}$/.test(part)).length > 1;
  return parts
    .map((part, i) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (!param) return literalSource(part);
      names.push(param[1]!);
      if (!shared) return "([^/]+)";
      const values = stringEnum(operation, param[1]!);
      if (values) return `(${values.map(escapeRegExp).join("|")})`;
      return i < parts.length - 1 ? "([^/]+?)" : "([^/]+)";
    })
    .join("");
}

/** The string enum values of a path parameter, when its schema lists them. */
function stringEnum(operation: OperationDescriptor, name: string): string[] | undefined {
  const schema = operation.parameters.find((p) => p.in === "path" && p.name === name)?.schema as
    | { enum?: unknown[] }
    | undefined;
  const values = schema?.enum?.filter((v): v is string => typeof v === "string" && v !== "");
  return values && values.length > 0 ? values : undefined;
}

/**
 * A literal segment as written or as a URL carries it: apisetu's `/Your Pull DOC Request API Path`
 * arrives as `/Your%20Pull%20DOC…` (WHATWG URL path encoding), and was a 404 (issue 19).
 */
function literalSource(part: string): string {
  let encoded = part;
  try {
    encoded = new URL(`http://mock.invalid/${part}`).pathname.slice(1);
  } catch {
    // not a URL path: matched as written
  }
  return encoded === part ? escapeRegExp(part) : `(?:${escapeRegExp(part)}|${escapeRegExp(encoded)})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A fragment pair holds when a header or query parameter of that name has the value (any, when
 * empty). A key that is no header name (masterpassqr's `/send/#env/v1/partners/{partnerId}/…`,
 * a whole path after the `#`) is looked up in the query only: `Headers.get` throws on it, and
 * the mock answered 500 (issue 19).
 */
function holds(request: RouteRequest, key: string, value: string): boolean {
  const header = isHeaderName(key) ? request.headers.get(key) : null;
  const found = [header, ...request.query.getAll(key)].filter((v): v is string => v !== null);
  return value === "" ? found.length > 0 : found.includes(value);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

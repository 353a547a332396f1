import type { OperationDescriptor } from "@synapseops/core";

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
}

/** Matches request paths against the operations' templates; static segments win over parameters. */
export class Router {
  private readonly routes = new Map<string, Route[]>();

  constructor(operations: readonly OperationDescriptor[]) {
    for (const operation of operations) {
      const names: string[] = [];
      const source = operation.path
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const param = /^\{([^}]+)\}$/.exec(part);
          if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(param[1]!);
          return "([^/]+)";
        })
        .join("");
      const route: Route = {
        operation,
        regex: new RegExp(`^${source}/?$`),
        names,
        literalLength: operation.path.replace(/\{[^}]+\}/g, "").length,
      };
      const list = this.routes.get(operation.method) ?? [];
      list.push(route);
      this.routes.set(operation.method, list);
    }
    for (const list of this.routes.values())
      list.sort((a, b) => b.literalLength - a.literalLength || a.names.length - b.names.length);
  }

  /** The operation for a method and path (without the server's base path), if any. */
  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.routes.get(method.toLowerCase()) ?? []) {
      const found = route.regex.exec(path);
      if (!found) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, index) => {
        pathParams[name] = safeDecode(found[index + 1] ?? "");
      });
      return { operation: route.operation, pathParams };
    }
    return undefined;
  }

  /** Whether any method serves this path (for 405 vs 404). */
  hasPath(path: string): boolean {
    for (const list of this.routes.values()) if (list.some((route) => route.regex.test(path))) return true;
    return false;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

import { type OpenApiDocument, type OperationDescriptor, resolveRef } from "@synapseops/core";
import { isIgnoredParameter, sendableRequestBody } from "../../_http";
import { GENERATED_HEADER } from "../../header";
import { camelCase, docText, NameAllocator, pascalCase, tsPropertyKey } from "../../schema/names";
import type { GeneratedFile, Generator, GeneratorContext } from "../../types";
import { pageNumberParameter } from "../_page-number";
import { emitType, type TypeEmitContext } from "./_emit-type";
import { RUNTIME_SOURCE } from "./_runtime";
import { resolveSdkTsOptions } from "./config";
import type { SdkTsOptions } from "./types";

/**
 * Names `index.ts` exports besides the models and operations (runtime re-exports, `Auth`, the
 * scheme table, the base URL) and the `M` namespace of `operations.ts`.
 */
const FIXED_EXPORTS = [
  "ApiError",
  "Auth",
  "Client",
  "ClientConfig",
  "Credential",
  "M",
  "RequestOptions",
  "RetryOptions",
  "defaultBaseUrl",
  "paginate",
  "securitySchemes",
];

/**
 * The naming authority of one SDK: `index.ts` re-exports models, operations and the runtime
 * side by side, so every emitted name is allocated from one pool — the fixed exports and the
 * client factory first, then component schemas (their names stay stable), then each
 * operation's function, `…Args`, `…Response`, `…Errors` and `…Pages`. A schema named
 * `AccountsGetResponse` and an operation `accountsGet` can no longer both export
 * `AccountsGetResponse` (TS2308, issue 19).
 */
export function sdkNames(
  doc: OpenApiDocument,
  factory: string,
): { schemas: Map<string, string>; allocator: NameAllocator } {
  const allocator = new NameAllocator([...FIXED_EXPORTS, factory]);
  const schemas = new Map<string, string>();
  for (const raw of Object.keys((doc.components?.schemas ?? {}) as object))
    schemas.set(raw, allocator.allocate(pascalCase(raw)));
  return { schemas, allocator };
}

/** Emits `models.ts`: one exported type per component schema. */
export function emitModels(doc: OpenApiDocument, names: ReadonlyMap<string, string>): string {
  const ctx: TypeEmitContext = { doc, schemaNames: names, refPrefix: "" };
  const out: string[] = [GENERATED_HEADER, ""];
  const schemas = (doc.components?.schemas ?? {}) as Record<string, unknown>;
  for (const [raw, schema] of Object.entries(schemas)) {
    const description = (schema as { description?: unknown } | null)?.description;
    if (typeof description === "string" && description.trim()) out.push(`/** ${docText(description)} */`);
    out.push(`export type ${names.get(raw)} = ${emitType(schema, ctx)};`, "");
  }
  if (Object.keys(schemas).length === 0) out.push("export {};", "");
  return out.join("\n");
}

/** Emits `operations.ts`: argument, response and error types plus one function per operation. */
export function emitOperations(
  doc: OpenApiDocument,
  operations: readonly OperationDescriptor[],
  names: ReadonlyMap<string, string>,
  allocator: NameAllocator,
): string {
  const request: TypeEmitContext = { doc, schemaNames: names, refPrefix: "M.", direction: "request" };
  const response: TypeEmitContext = { doc, schemaNames: names, refPrefix: "M.", direction: "response" };
  const out: string[] = [
    GENERATED_HEADER,
    'import type * as M from "./models.js";',
    'import { ApiError, type Client, type RequestOptions, paginate } from "./runtime.js";',
    "",
    "void ApiError;",
    "void paginate;",
    "",
  ];
  for (const op of operations) {
    const fn = allocator.allocate(camelCase(op.operationId));
    const typeBase = pascalCase(fn);
    const Args = allocator.allocate(`${typeBase}Args`);
    const Result = allocator.allocate(`${typeBase}Response`);
    const Errors = allocator.allocate(`${typeBase}Errors`);
    const groups: Record<string, string[]> = { path: [], query: [], headers: [], cookies: [] };
    const requiredGroups = new Set<string>();
    const where = { path: "path", query: "query", header: "headers", cookie: "cookies" } as const;
    // Accept/Content-Type/Authorization headers and nameless parameters are not the caller's.
    const parameters = op.parameters.filter((p) => !isIgnoredParameter(p));
    for (const param of parameters) {
      const group = where[param.in];
      if (!group) continue;
      if (param.required) requiredGroups.add(group);
      const doc = param.description ? `    /** ${docText(param.description, 160)} */\n` : "";
      groups[group]!.push(
        `${doc}    ${tsPropertyKey(param.name)}${param.required ? "" : "?"}: ${emitType(param.schema, request, "    ")};`,
      );
    }
    const argLines: string[] = [];
    for (const [group, lines] of Object.entries(groups)) {
      if (lines.length === 0) continue;
      argLines.push(`  ${group}${requiredGroups.has(group) ? "" : "?"}: {\n${lines.join("\n")}\n  };`);
    }
    // fetch refuses a body on GET and HEAD (Stripe documents some): those take none (issue 19).
    const body = sendableRequestBody(op);
    if (body) argLines.push(`  body${body.required ? "" : "?"}: ${emitType(body.schema, request, "  ")};`);
    else if (op.requestBody)
      argLines.push(
        `  /** The document declares a body on ${op.method.toUpperCase()}; fetch cannot send one. */`,
        "  body?: never;",
      );
    const argsRequired = requiredGroups.size > 0 || body?.required === true;
    const success = op.responses.filter((r) => /^2/.test(r.status));
    const successTypes = success.map((r) => successType(r, response));
    const errors = op.responses
      .filter((r) => !/^2/.test(r.status))
      .map((r) => {
        const media = r.content.find((m) => /json/i.test(m.contentType)) ?? r.content[0];
        const key = /^\d{3}$/.test(r.status) ? r.status : JSON.stringify(r.status);
        return `  ${key}: ${media?.schema !== undefined ? emitType(media.schema, response, "  ") : "unknown"};`;
      });
    out.push(`export interface ${Args} {${argLines.length ? `\n${argLines.join("\n")}\n` : ""}}`);
    const resultTypes = [...new Set(successTypes)];
    out.push(
      `export type ${Result} = ${resultTypes.length && !resultTypes.includes("unknown") ? resultTypes.join(" | ") : "unknown"};`,
    );
    out.push(`export interface ${Errors} {${errors.length ? `\n${errors.join("\n")}\n` : ""}}`);
    const summary = op.summary ?? op.description;
    const lines = [
      `/**`,
      ...(summary ? [` * ${docText(summary)}`] : []),
      ` * \`${op.method.toUpperCase()} ${op.path.replaceAll("*/", "*\\/")}\``,
    ];
    if (op.deprecated) lines.push(" * @deprecated");
    lines.push(` * @throws {ApiError<${Errors}>} on a non-2xx response`, " */");
    out.push(...lines);
    const params = parameters.map(
      (p) => `[${JSON.stringify(p.in)}, ${JSON.stringify(p.name)}, ${JSON.stringify(p.style)}, ${p.explode}]`,
    );
    const security = op.security.map(
      (req) =>
        `[${Object.keys(req)
          .map((k) => JSON.stringify(k))
          .join(", ")}]`,
    );
    out.push(
      `export function ${fn}(client: Client, args: ${Args}${argsRequired ? "" : " = {}"}, options?: RequestOptions): Promise<${Result}> {`,
      `  return client.request<${Result}>({`,
      `    operationId: ${JSON.stringify(op.operationId)},`,
      `    method: ${JSON.stringify(op.method.toUpperCase())},`,
      `    path: ${JSON.stringify(op.path)},`,
      `    params: [${params.join(", ")}],`,
      "    args,",
      ...(body ? [`    contentType: ${JSON.stringify(body.contentType)},`] : []),
      `    security: [${security.join(", ")}],`,
      "  }, options);",
      "}",
      "",
    );
    const pager = paginationHelper(doc, op, fn, Args, Result, allocator, argsRequired);
    if (pager) out.push(pager, "");
  }
  return out.join("\n");
}

/**
 * What the runtime's `parseBody` gives for one documented success response: `undefined` for
 * 204/205 (it never reads their body); otherwise whatever the server sends, parsed as JSON when
 * it says JSON, else text — so a response documenting no body is `unknown`, not `undefined`
 * (issue 19), and a documented non-JSON body is `string`.
 */
function successType(response: OperationDescriptor["responses"][number], context: TypeEmitContext): string {
  if (response.status === "204" || response.status === "205") return "undefined";
  const media = response.content.find((m) => /json/i.test(m.contentType)) ?? response.content[0];
  if (!media || media.schema === undefined) return "unknown";
  if (!/json/i.test(media.contentType)) return "string";
  return emitType(media.schema, context);
}

/** A `…Pages` async generator where the operation shows a known pagination pattern. */
function paginationHelper(
  doc: OpenApiDocument,
  op: OperationDescriptor,
  fn: string,
  Args: string,
  Result: string,
  allocator: NameAllocator,
  argsRequired: boolean,
): string | undefined {
  const query = new Set(op.parameters.filter((p) => p.in === "query").map((p) => p.name));
  const ok = op.responses.find((r) => /^2/.test(r.status))?.content.find((m) => /json/.test(m.contentType));
  const schema = resolveRef<{ properties?: Record<string, unknown> }>(doc, ok?.schema);
  const props = schema?.properties ?? {};
  const name = allocator.allocate(`${fn}Pages`);
  if (query.has("starting_after") && "has_more" in props && "data" in props) {
    return [
      `/** Every page of \`${fn}\`, following \`starting_after\` while \`has_more\`. */`,
      `export function ${name}(client: Client, args: ${Args}${argsRequired ? "" : " = {}"}, options?: RequestOptions): AsyncGenerator<${Result}, void, undefined> {`,
      `  return paginate<${Result}, string>(`,
      "    (cursor) => " +
        `${fn}(client, { ...args, query: { ...args.query, ...(cursor === undefined ? {} : { starting_after: cursor }) } }, options),`,
      "    (page) => {",
      "      const items = (page as { data?: { id?: unknown }[]; has_more?: boolean }).data ?? [];",
      "      const last = items[items.length - 1]?.id;",
      '      return (page as { has_more?: boolean }).has_more && typeof last === "string" ? last : undefined;',
      "    },",
      "  );",
      "}",
    ].join("\n");
  }
  const okType = resolveRef<{ type?: unknown }>(doc, ok?.schema)?.type;
  if (
    pageNumberParameter(doc, op) &&
    okType === "array" &&
    !op.parameters.some((p) => p.required && p.in === "query")
  ) {
    return [
      `/** Every page of \`${fn}\`, by page number until a page comes back empty. */`,
      `export function ${name}(client: Client, args: ${Args}${argsRequired ? "" : " = {}"}, options?: RequestOptions): AsyncGenerator<${Result}, void, undefined> {`,
      `  return paginate<${Result}, number>(`,
      `    (page) => ${fn}(client, { ...args, query: { ...args.query, page: page ?? 1 } }, options),`,
      "    (result, page) => (Array.isArray(result) && result.length > 0 ? (page ?? 1) + 1 : undefined),",
      "  );",
      "}",
    ].join("\n");
  }
  return undefined;
}

function emitIndex(doc: OpenApiDocument, factory: string): string {
  const schemes = (doc.components?.securitySchemes ?? {}) as Record<string, Record<string, unknown>>;
  const compact: Record<string, Record<string, unknown>> = {};
  const authLines: string[] = [];
  for (const [name, raw] of Object.entries(schemes)) {
    const scheme = resolveRef<Record<string, unknown>>(doc, raw) ?? {};
    compact[name] = Object.fromEntries(
      ["type", "in", "name", "scheme"]
        .filter((k) => typeof scheme[k] === "string")
        .map((k) => [k, scheme[k]]),
    );
    const basic = scheme.type === "http" && String(scheme.scheme).toLowerCase() === "basic";
    const description =
      typeof scheme.description === "string" ? `  /** ${docText(scheme.description, 160)} */\n` : "";
    authLines.push(
      `${description}  ${tsPropertyKey(name)}?: ${basic ? "{ username: string; password: string } | string" : "string"};`,
    );
  }
  return [
    GENERATED_HEADER,
    `/** ${docText(`${doc.info.title} ${doc.info.version}`)} — a typed client over fetch. */`,
    'import { Client, type ClientConfig } from "./runtime.js";',
    "",
    'export * from "./operations.js";',
    'export type * from "./models.js";',
    'export { ApiError, Client, paginate } from "./runtime.js";',
    'export type { ClientConfig, Credential, RequestOptions, RetryOptions } from "./runtime.js";',
    "",
    "/** Credentials by security scheme of the API. */",
    `export interface Auth {${authLines.length ? `\n${authLines.join("\n")}\n` : ""}}`,
    "",
    `/** The security schemes of the document. */`,
    `export const securitySchemes = ${JSON.stringify(compact)} as const;`,
    "",
    `/** The first server of the document. */`,
    `export const defaultBaseUrl = ${JSON.stringify(serverUrl(doc))};`,
    "",
    "/**",
    " * A client for the API.",
    " * @example",
    " * ```ts",
    ` * const client = ${factory}({ baseUrl: defaultBaseUrl, auth: {} });`,
    " * ```",
    " */",
    `export function ${factory}(config: Partial<Omit<ClientConfig, "auth">> & { auth?: Auth } = {}): Client {`,
    "  return new Client({ baseUrl: defaultBaseUrl, ...config, auth: { ...config.auth } }, securitySchemes);",
    "}",
    "",
  ].join("\n");
}

/** The first server URL with variables at their defaults. */
export function serverUrl(doc: OpenApiDocument): string {
  const server = doc.servers?.[0];
  if (!server) return "http://localhost";
  let url = server.url;
  for (const [name, variable] of Object.entries(server.variables ?? {}))
    url = url.replaceAll(`{${name}}`, variable.default);
  return url;
}

/** Generates the SDK files (paths relative to the generator's folder). */
export function generateSdkTs(
  context: Pick<GeneratorContext, "document" | "operations">,
  options: SdkTsOptions = {},
): GeneratedFile[] {
  const resolved = resolveSdkTsOptions(options);
  const { schemas, allocator } = sdkNames(context.document, resolved.clientFactoryName);
  return [
    { path: "index.ts", contents: emitIndex(context.document, resolved.clientFactoryName) },
    { path: "models.ts", contents: emitModels(context.document, schemas) },
    {
      path: "operations.ts",
      contents: emitOperations(context.document, context.operations, schemas, allocator),
    },
    { path: "runtime.ts", contents: `${GENERATED_HEADER}\n${RUNTIME_SOURCE}` },
    {
      path: "package.json",
      contents: `${JSON.stringify({ type: "module", private: true, sideEffects: false }, null, 2)}\n`,
    },
    {
      path: "tsconfig.json",
      contents: `${JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"], strict: true, noEmit: true, skipLibCheck: true }, include: ["*.ts"] }, null, 2)}\n`,
    },
  ];
}

/** The `sdk-ts` generator: a typed TypeScript client for any OpenAPI document. */
export const sdkTsGenerator: Generator<SdkTsOptions, "sdk-ts"> = {
  name: "sdk-ts",
  description:
    "typed TypeScript client (fetch only): models, one function per operation, auth, retries, typed errors",
  outDir: "sdk-ts",
  generate: (context, options) => generateSdkTs(context, options),
};

/**
 * Types of the OpenAPI loader. Documents are kept as plain JSON objects (3.0 and 3.1 differ in
 * schema dialect, and real documents carry `x-` keys we ignore), so the types here describe only
 * what the loader and its callers read.
 */

/** A JSON object as found in an OpenAPI document. */
export type OpenApiObject = { [key: string]: unknown };

/** A JSON Schema inside an OpenAPI document (3.0 schema object or 3.1 JSON Schema 2020-12). */
export type OpenApiSchema = OpenApiObject | boolean;

/** A normalised OpenAPI 3.x document: external `$ref`s are bundled in, local ones are kept. */
export interface OpenApiDocument extends OpenApiObject {
  openapi: string;
  info: OpenApiObject & { title: string; version: string };
  paths?: { [path: string]: OpenApiObject };
  components?: OpenApiObject;
  servers?: OpenApiServer[];
  security?: OpenApiSecurityRequirement[];
  tags?: OpenApiObject[];
  webhooks?: { [name: string]: OpenApiObject };
}

/** A server of the document, operation or path item. */
export interface OpenApiServer {
  url: string;
  description?: string;
  variables?: { [name: string]: { default: string; enum?: string[]; description?: string } };
}

/** One security requirement: scheme name → scopes. */
export type OpenApiSecurityRequirement = { [scheme: string]: string[] };

/** Options of {@link loadOpenApi}. */
export interface LoadOpenApiOptions {
  /**
   * Folder that relative multi-file `$ref`s resolve against when the input is text or an object.
   * For a file path input, the file's folder.
   * @default process.cwd()
   */
  baseDir?: string;
  /**
   * Convert Swagger 2.0 documents to OpenAPI 3.0. When false, a 2.0 document is an error.
   * @default true
   */
  convertSwagger2?: boolean;
  /**
   * Check that every local `$ref` resolves (one walk of the document).
   * @default true
   * @example
   * ```ts
   * await loadOpenApi("big.json", { checkRefs: false }); // trust the document, skip the walk
   * ```
   */
  checkRefs?: boolean;
}

/** HTTP methods an OpenAPI path item can hold, in the order operations are listed. */
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Where a parameter goes. */
export type ParameterLocation = "path" | "query" | "header" | "cookie";

/** A parameter of an operation, merged from path-item and operation level (`$ref`s resolved). */
export interface ParameterDescriptor {
  name: string;
  in: ParameterLocation;
  required: boolean;
  /** The parameter's schema (may contain local `$ref`s); from `content` when it has no `schema`. */
  schema: OpenApiSchema;
  /** Serialisation style; defaults per OpenAPI 3 (`form` for query/cookie, `simple` for path/header). */
  style: string;
  /** Whether arrays/objects explode; defaults to `style === "form"`. */
  explode: boolean;
  /** Set when the parameter uses `content` instead of `schema` (e.g. a JSON-encoded query value). */
  contentType?: string;
  description?: string;
  deprecated?: boolean;
  example?: unknown;
}

/** A media type's content: schema and examples. */
export interface MediaDescriptor {
  contentType: string;
  schema?: OpenApiSchema;
  /** The first example found (`example`, then `examples.*.value`). */
  example?: unknown;
  /** Named examples with their values (external `externalValue` ones are skipped). */
  examples?: { [name: string]: unknown };
}

/** An operation's request body (`$ref`s resolved; the schema may hold local `$ref`s). */
export interface RequestBodyDescriptor {
  /** The preferred content type: JSON first, then form, multipart, then the first listed. */
  contentType: string;
  schema?: OpenApiSchema;
  required: boolean;
  /** Every content type the operation accepts. */
  content: MediaDescriptor[];
  description?: string;
}

/** One documented response. */
export interface ResponseDescriptor {
  /** `200`, `4XX` or `default`. */
  status: string;
  description: string;
  content: MediaDescriptor[];
  headers: { [name: string]: { schema?: OpenApiSchema; required: boolean; description?: string } };
}

/** One operation of a document, ready for generators, connectors and mocks. */
export interface OperationDescriptor {
  /** The operation's id, or a deterministic one (`getPetsByPetId`) when the document has none. */
  operationId: string;
  /** Whether `operationId` was synthesised (or de-duplicated) by the loader. */
  operationIdSynthesised: boolean;
  method: HttpMethod;
  path: string;
  /** JSON pointer to the operation in the document: `/paths/~1pets~1{id}/get`. */
  pointer: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  tags: string[];
  parameters: ParameterDescriptor[];
  requestBody?: RequestBodyDescriptor;
  /** Responses in document order. */
  responses: ResponseDescriptor[];
  /** Effective security: the operation's, else the document's. `[]` means none. */
  security: OpenApiSecurityRequirement[];
  /** Effective servers: the operation's, else the path item's, else the document's, else `/`. */
  servers: OpenApiServer[];
}

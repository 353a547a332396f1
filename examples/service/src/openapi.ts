import {
  AuditEntry,
  Blueprint,
  BlueprintRevision,
  ConnectorRef,
  DeadLetter,
  Project,
  Run,
  RunEvent,
  RunMetrics,
} from "@synapseops/core";
import type { z } from "zod";
import { type JsonSchema, toJsonSchema } from "./json-schema";
import type { RegisteredOperation } from "./operation";

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const pageOf = (item: string): JsonSchema => ({
  type: "object",
  required: ["items"],
  properties: { items: { type: "array", items: ref(item) }, nextCursor: { type: "string" } },
});
const outputIssue: JsonSchema = {
  type: "object",
  required: ["pointer", "keyword", "message"],
  properties: {
    pointer: { type: "string" },
    rule: { type: "string" },
    keyword: { type: "string" },
    message: { type: "string" },
  },
};

/** Component schemas: the model's entities from core's zod schemas, and the service's own shapes. */
function componentSchemas(): Record<string, JsonSchema> {
  const model: Record<string, z.ZodType> = {
    Project,
    ConnectorRef,
    Blueprint,
    BlueprintRevision,
    Run,
    RunEvent,
    RunMetrics,
    DeadLetter,
    AuditEntry,
  };
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(model)) schemas[name] = toJsonSchema(schema, "output");
  return {
    ...schemas,
    ProjectPage: pageOf("Project"),
    AuditPage: pageOf("AuditEntry"),
    BlueprintPage: pageOf("Blueprint"),
    RevisionPage: pageOf("BlueprintRevision"),
    RunPage: pageOf("Run"),
    DeadLetterPage: pageOf("DeadLetter"),
    GeneratedBlueprint: {
      allOf: [
        ref("Blueprint"),
        {
          type: "object",
          required: ["suggestion"],
          properties: { suggestion: { type: "object", additionalProperties: true } },
        },
      ],
    },
    ValidationReport: {
      type: "object",
      required: ["ok", "issues", "summary"],
      properties: {
        ok: { type: "boolean" },
        blueprintId: { type: "string" },
        revision: { type: "integer" },
        contentHash: { type: "string" },
        issues: {
          type: "array",
          items: {
            type: "object",
            required: ["code", "severity", "path", "message"],
            properties: {
              code: { type: "string" },
              severity: { type: "string", enum: ["error", "warning", "info"] },
              path: { type: "string" },
              message: { type: "string" },
              hint: { type: "string" },
            },
          },
        },
        summary: {
          type: "object",
          required: ["error", "warning", "info"],
          properties: { error: { type: "integer" }, warning: { type: "integer" }, info: { type: "integer" } },
        },
      },
    },
    RevisionDiff: {
      type: "object",
      required: ["from", "to", "operations"],
      properties: {
        from: { type: "integer" },
        to: { type: "integer" },
        operations: {
          type: "array",
          description: "RFC 6902 JSON Patch from one revision's body to the other's.",
          items: {
            type: "object",
            required: ["op", "path"],
            properties: {
              op: { type: "string", enum: ["add", "remove", "replace", "move", "copy", "test"] },
              path: { type: "string" },
              from: { type: "string" },
              value: {},
            },
          },
        },
      },
    },
    MappingTestResult: {
      type: "object",
      required: ["mapping", "revision", "expression", "fields", "inputIssues", "outputIssues"],
      properties: {
        mapping: { type: "string" },
        revision: { type: "integer" },
        expression: {
          type: "string",
          description: "The JSONata the rules compile to (or the raw expression).",
        },
        output: {},
        error: { type: "string" },
        fields: {
          type: "array",
          items: {
            type: "object",
            required: ["target", "pointer", "rule", "sources", "steps", "written"],
            properties: {
              target: { type: "string" },
              pointer: { type: "string" },
              rule: { type: "string" },
              sources: { type: "array", items: { type: "string" } },
              input: {},
              steps: {
                type: "array",
                items: {
                  type: "object",
                  required: ["transform", "path"],
                  properties: { transform: { type: "string" }, path: { type: "string" }, value: {} },
                },
              },
              written: { type: "boolean" },
              value: {},
              error: { type: "string" },
            },
          },
        },
        inputIssues: { type: "array", items: outputIssue },
        outputIssues: { type: "array", items: outputIssue },
      },
    },
    AlertRule: {
      type: "object",
      required: [
        "id",
        "projectId",
        "blueprintId",
        "metric",
        "threshold",
        "windowMinutes",
        "channel",
        "quietMinutes",
        "createdAt",
        "quieted",
      ],
      properties: {
        id: { type: "string" },
        projectId: { type: "string" },
        blueprintId: { type: "string" },
        metric: { type: "string", enum: ["failureRate", "deadLetters", "lagSeconds"] },
        threshold: { type: "number" },
        windowMinutes: { type: "integer" },
        channel: { type: "string" },
        quietMinutes: { type: "integer" },
        createdAt: { type: "string" },
        lastValue: { type: "number" },
        lastCheckedAt: { type: "string" },
        lastFiredAt: { type: "string" },
        quieted: { type: "integer" },
        lastError: { type: "string" },
      },
    },
    AlertRuleList: {
      type: "object",
      required: ["items"],
      properties: { items: { type: "array", items: ref("AlertRule") } },
    },
    MappingFunctionList: {
      type: "object",
      required: ["items"],
      properties: {
        items: {
          type: "array",
          items: {
            type: "object",
            required: ["name", "doc", "signature", "examples"],
            properties: {
              name: { type: "string" },
              doc: { type: "string" },
              signature: { type: "string" },
              examples: {
                type: "array",
                items: {
                  type: "object",
                  required: ["expr"],
                  properties: { expr: { type: "string" }, input: {}, output: {} },
                },
              },
            },
          },
        },
      },
    },
    ParkedRecord: {
      type: "object",
      required: ["runId", "position", "step", "attempts", "dueAt", "parkedAt"],
      properties: {
        runId: { type: "string" },
        position: { type: "integer" },
        step: { type: "string" },
        recordKey: { type: "string" },
        attempts: { type: "integer" },
        dueAt: { type: "string" },
        parkedAt: { type: "string" },
        error: { type: "object", additionalProperties: true },
      },
    },
    ParkedRecords: {
      type: "object",
      required: ["items"],
      properties: {
        items: { type: "array", items: ref("ParkedRecord") },
        nextAttemptAt: { type: "string" },
      },
    },
    RecordStep: {
      type: "object",
      required: ["step", "kind", "startedAt", "durationMs", "attempts", "end", "input"],
      properties: {
        step: { type: "string" },
        kind: { type: "string" },
        startedAt: { type: "string" },
        durationMs: { type: "number" },
        attempts: { type: "integer" },
        end: { type: "string", enum: ["ok", "filtered", "waiting", "parked", "failed", "cancelled"] },
        input: { description: "Redacted; `{ truncated, chars, preview }` when longer than the cap." },
        output: {},
        error: { type: "object", additionalProperties: true },
      },
    },
    RecordSteps: {
      type: "object",
      required: ["runId", "recordKey", "steps"],
      properties: {
        runId: { type: "string" },
        recordKey: { type: "string" },
        steps: { type: "array", items: ref("RecordStep") },
      },
    },
    QueueView: {
      type: "object",
      required: ["engine"],
      properties: {
        engine: { type: "string", enum: ["inline", "bullmq"] },
        queues: {
          type: "array",
          items: {
            type: "object",
            required: ["name", "counts"],
            properties: {
              name: { type: "string" },
              counts: { type: "object", additionalProperties: { type: "integer" } },
            },
          },
        },
        workers: {
          type: "array",
          items: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string" }, addr: { type: "string" }, age: { type: "integer" } },
          },
        },
        stalled: { type: "integer", description: "Jobs BullMQ reported stalled since this process started." },
      },
    },
    RunEventList: pageOf("RunEvent"),
    RunMetricsReport: {
      type: "object",
      required: ["runId", "status", "counts"],
      properties: {
        runId: { type: "string" },
        status: { type: "string" },
        counts: { type: "object", additionalProperties: { type: "integer" } },
        metrics: ref("RunMetrics"),
      },
    },
    SandboxChannel: {
      type: "object",
      required: ["channel", "received"],
      properties: {
        channel: { type: "string" },
        received: { type: "array", items: {} },
        rejectWhen: { type: "string" },
        unavailable: { type: "boolean" },
      },
    },
    Health: {
      type: "object",
      required: ["ok", "engines", "store", "queue"],
      properties: {
        ok: { type: "boolean" },
        engines: { type: "string" },
        store: ref("HealthCheck"),
        queue: ref("HealthCheck"),
      },
    },
    HealthCheck: {
      type: "object",
      required: ["ok", "latencyMs"],
      properties: { ok: { type: "boolean" }, latencyMs: { type: "number" }, error: { type: "string" } },
    },
    Session: {
      type: "object",
      required: ["actor", "name", "kind", "grants"],
      properties: {
        actor: { type: "string", description: "What the audit log records: `user:<name>` or `token:<id>`." },
        name: { type: "string" },
        kind: { type: "string", enum: ["user", "token"] },
        grants: { type: "object", additionalProperties: { type: "string" } },
        csrfToken: { type: "string", description: "Send as `x-csrf-token` on mutating calls of a session." },
      },
    },
    ApiToken: {
      type: "object",
      required: ["id", "name", "projectId", "role", "createdBy", "createdAt", "expiresAt"],
      properties: {
        id: { type: "string" },
        name: { type: "string" },
        projectId: { type: "string", description: "A project id, or `*` for every project." },
        role: { type: "string", enum: ["viewer", "editor", "approver", "admin"] },
        createdBy: { type: "string" },
        createdAt: { type: "string", format: "date-time" },
        expiresAt: { type: "string", format: "date-time" },
      },
    },
    NewApiToken: {
      allOf: [
        ref("ApiToken"),
        {
          type: "object",
          required: ["token"],
          properties: { token: { type: "string", description: "The bearer token; never shown again." } },
        },
      ],
    },
    ApiTokenList: {
      type: "object",
      required: ["items"],
      properties: { items: { type: "array", items: ref("ApiToken") } },
    },
    User: {
      type: "object",
      required: ["name", "grants", "createdAt"],
      properties: {
        name: { type: "string" },
        grants: { type: "object", additionalProperties: { type: "string" } },
        createdAt: { type: "string", format: "date-time" },
      },
    },
    UserList: {
      type: "object",
      required: ["items"],
      properties: { items: { type: "array", items: ref("User") } },
    },
    Problem: {
      type: "object",
      description: "An RFC 9457 problem details object with the error's stable code and a logged error id.",
      required: ["type", "title", "status", "detail", "code", "errorId"],
      properties: {
        type: { type: "string" },
        title: { type: "string" },
        status: { type: "integer" },
        detail: { type: "string" },
        instance: { type: "string" },
        code: { type: "string" },
        errorId: { type: "string" },
        pointer: { type: "string" },
        errors: {
          type: "array",
          items: {
            type: "object",
            required: ["pointer", "detail"],
            properties: {
              pointer: { type: "string" },
              detail: { type: "string" },
              in: { type: "string" },
              code: { type: "string" },
            },
          },
        },
      },
    },
  };
}

/** `{ properties, required }` of an object schema as OpenAPI parameters. */
function parametersOf(schema: JsonSchema | undefined, where: "path" | "query"): JsonSchema[] {
  if (schema === undefined) return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: property,
  }));
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiInfo {
  title: string;
  version: string;
  serverUrl?: string;
}

/** The OpenAPI 3.1 document of the routes registered with an operation spec. */
export function buildOpenApiDocument(
  operations: readonly RegisteredOperation[],
  info: OpenApiInfo,
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  for (const { method, url, spec, schema } of operations) {
    const path = url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const responses: Record<string, JsonSchema> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      const schemaOf = typeof response.schema === "string" ? ref(response.schema) : response.schema;
      responses[status] = {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, h]) => [
                  name,
                  { description: h.description, schema: { type: "string" } },
                ]),
              ),
            }
          : {}),
        ...(schemaOf
          ? { content: { [response.contentType ?? "application/json"]: { schema: schemaOf } } }
          : {}),
      };
    }
    responses.default = {
      description: "An error, as RFC 9457 problem details.",
      content: { "application/problem+json": { schema: ref("Problem") } },
    };
    for (const tag of spec.tags) tags.add(tag);
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: spec.tags,
      ...(schema.params || schema.querystring
        ? {
            parameters: [
              ...parametersOf(schema.params as JsonSchema | undefined, "path"),
              ...parametersOf(schema.querystring as JsonSchema | undefined, "query"),
            ],
          }
        : {}),
      ...(spec.access !== undefined && "public" in spec.access ? { security: [] } : {}),
      ...(schema.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schema.body } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      description:
        "The SynapseOps platform API: projects, blueprints, runs and dead letters over the library.",
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: [...tags].sort().map((name) => ({ name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    // Every operation needs a bearer token or a session cookie unless it says `security: []`.
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token (`POST /tokens`)." },
        sessionCookie: { type: "apiKey", in: "cookie", name: "synapseops_session" },
      },
    },
  };
}

import { type Annotation, modelJsonSchemas, type OpenApiDocument } from "@synapseops/core";
import { pascalCase } from "../../schema/names";
import type { BlueprintInput } from "../../types";

type Obj = Record<string, unknown>;

/** Options of {@link blueprintsToOpenApi}. */
export interface BlueprintOpenApiOptions {
  /** @default "SynapseOps integration service" */
  title?: string;
  /** @default "1.0.0" */
  version?: string;
  /** @default "http://localhost:3000" */
  serverUrl?: string;
}

const problem = { $ref: "#/components/responses/Problem" };

/**
 * The OpenAPI 3.1 document of the integration service that runs the blueprints: per blueprint a
 * trigger endpoint (the source schema as body, golden samples as examples) or, for webhook
 * triggers, a webhook endpoint with Standard Webhooks signature headers; the run endpoints
 * (start, get, events, metrics); annotations as descriptions and `x-synapseops-annotations`.
 */
export function blueprintsToOpenApi(
  blueprints: readonly BlueprintInput[],
  options: BlueprintOpenApiOptions = {},
): OpenApiDocument {
  const model = modelJsonSchemas({ io: "output" }) as Record<string, Obj>;
  const paths: Obj = {};
  const schemas: Obj = {
    Run: stripMeta(model.Run ?? { type: "object" }),
    RunEvent: stripMeta(model.RunEvent ?? { type: "object" }),
    RunEventPage: {
      type: "object",
      required: ["items"],
      properties: {
        items: { type: "array", items: { $ref: "#/components/schemas/RunEvent" } },
        nextCursor: { type: "string" },
      },
    },
    RunMetrics: {
      type: "object",
      required: ["runId", "counts"],
      properties: {
        runId: { type: "string" },
        counts: { type: "object", additionalProperties: { type: "integer" } },
        durationMs: { type: "number" },
        throughputPerSecond: { type: "number" },
        latencyMs: {
          type: "object",
          properties: { p50: { type: "number" }, p95: { type: "number" }, p99: { type: "number" } },
        },
      },
    },
    Problem: {
      type: "object",
      description: "An RFC 9457 problem details object.",
      required: ["title", "status"],
      properties: {
        type: { type: "string" },
        title: { type: "string" },
        status: { type: "integer" },
        detail: { type: "string" },
        instance: { type: "string" },
      },
    },
  };
  const tags: Obj[] = [
    { name: "runs", description: "Runs of approved blueprint revisions: start, status, events, metrics." },
  ];
  for (const blueprint of [...blueprints].sort((a, b) => a.id.localeCompare(b.id))) {
    const base = pascalCase(blueprint.id);
    const body = blueprint.body;
    const sourceName = `${base}Record`;
    schemas[sourceName] = body.source.schema ?? { type: "object" };
    const annotations = (body.annotations ?? []) as Annotation[];
    const notes = annotations.map(
      (a) => `**${a.severity ?? "info"}** (${a.target}): ${a.message}${a.link ? ` — ${a.link}` : ""}`,
    );
    const description = [body.description ?? blueprint.name, ...notes].join("\n\n");
    const examples: Obj = {};
    for (const mapping of body.mappings ?? []) {
      (mapping.samples ?? []).forEach((sample, index) => {
        examples[slug(sample.name ?? `${mapping.id}-${index + 1}`)] = {
          summary: sample.name ?? `golden sample ${index + 1}`,
          value: sample.input,
        };
      });
    }
    const media: Obj = {
      schema: {
        oneOf: [
          { $ref: `#/components/schemas/${sourceName}` },
          { type: "array", items: { $ref: `#/components/schemas/${sourceName}` } },
        ],
      },
      ...(Object.keys(examples).length ? { examples } : {}),
    };
    const tag = blueprint.id;
    tags.push({
      name: tag,
      description: `${blueprint.name}${body.description ? ` — ${body.description}` : ""}`,
    });
    const webhook = body.trigger?.kind === "webhook";
    const operation: Obj = {
      operationId: webhook ? `receive${base}Webhook` : `trigger${base}`,
      summary: webhook ? `Receive a webhook for “${blueprint.name}”` : `Trigger “${blueprint.name}”`,
      description,
      tags: [tag],
      requestBody: { required: true, content: { "application/json": media } },
      responses: {
        "202": {
          description: "Accepted: a run was queued.",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Run" } } },
        },
        "400": problem,
        "401": problem,
      },
      ...(annotations.length ? { "x-synapseops-annotations": annotations } : {}),
    };
    if (webhook) {
      operation.security = [{ webhookSignature: [] }];
      operation.parameters = [
        {
          name: "webhook-id",
          in: "header",
          required: true,
          description: "Unique delivery id (Standard Webhooks).",
          schema: { type: "string" },
        },
        {
          name: "webhook-timestamp",
          in: "header",
          required: true,
          description: "Unix seconds of the delivery.",
          schema: { type: "string", pattern: "^[0-9]+$" },
        },
        {
          name: "webhook-signature",
          in: "header",
          required: true,
          description: "`v1,<base64 HMAC-SHA256>` signatures.",
          schema: { type: "string" },
        },
      ];
      paths[`/webhooks/${blueprint.id}`] = { post: operation };
    } else paths[`/integrations/${blueprint.id}/trigger`] = { post: operation };
  }
  const runId = {
    name: "runId",
    in: "path",
    required: true,
    description: "The run id.",
    schema: { type: "string" },
  };
  const runResponse = {
    description: "The run.",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Run" } } },
  };
  paths["/blueprints/{blueprintId}/runs"] = {
    post: {
      operationId: "startRun",
      summary: "Start a run of a blueprint's approved revision",
      tags: ["runs"],
      parameters: [
        {
          name: "blueprintId",
          in: "path",
          required: true,
          description: "The blueprint id.",
          schema: { type: "string" },
        },
      ],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["records"],
              properties: { records: { type: "array", items: {} }, dryRun: { type: "boolean" } },
            },
          },
        },
      },
      responses: { "202": runResponse, "400": problem, "401": problem, "404": problem },
    },
  };
  paths["/runs/{runId}"] = {
    get: {
      operationId: "getRun",
      summary: "Get a run",
      tags: ["runs"],
      parameters: [runId],
      responses: { "200": runResponse, "401": problem, "404": problem },
    },
  };
  paths["/runs/{runId}/events"] = {
    get: {
      operationId: "listRunEvents",
      summary: "List a run's events",
      tags: ["runs"],
      parameters: [
        runId,
        {
          name: "cursor",
          in: "query",
          description: "Cursor from the previous page.",
          schema: { type: "string" },
        },
        {
          name: "limit",
          in: "query",
          description: "Page size.",
          schema: { type: "integer", minimum: 1, maximum: 500 },
        },
      ],
      responses: {
        "200": {
          description: "A page of events.",
          content: { "application/json": { schema: { $ref: "#/components/schemas/RunEventPage" } } },
        },
        "401": problem,
        "404": problem,
      },
    },
  };
  paths["/runs/{runId}/metrics"] = {
    get: {
      operationId: "getRunMetrics",
      summary: "Get a run's metrics",
      tags: ["runs"],
      parameters: [runId],
      responses: {
        "200": {
          description: "Counts, timings and latency percentiles.",
          content: { "application/json": { schema: { $ref: "#/components/schemas/RunMetrics" } } },
        },
        "401": problem,
        "404": problem,
      },
    },
  };
  const hasWebhook = blueprints.some((b) => b.body.trigger?.kind === "webhook");
  return {
    openapi: "3.1.0",
    info: {
      title: options.title ?? "SynapseOps integration service",
      version: options.version ?? "1.0.0",
      description: "Trigger integrations and follow their runs.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: options.serverUrl ?? "http://localhost:3000", description: "The host service" }],
    security: [{ bearerAuth: [] }],
    tags,
    paths: paths as OpenApiDocument["paths"],
    components: {
      schemas,
      responses: {
        Problem: {
          description: "An error (RFC 9457).",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "A token of the host service." },
        ...(hasWebhook
          ? {
              webhookSignature: {
                type: "apiKey",
                in: "header",
                name: "webhook-signature",
                description: "Standard Webhooks HMAC-SHA256 signature over `id.timestamp.body`.",
              },
            }
          : {}),
      },
    },
  } as OpenApiDocument;
}

function stripMeta(schema: Obj): Obj {
  const { $schema, $id, ...rest } = schema;
  void $schema;
  void $id;
  return rest;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "sample"
  );
}

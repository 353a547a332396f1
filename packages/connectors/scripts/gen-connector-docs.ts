/**
 * Writes the config-schema tables of docs/connectors/*.md from the connectors' zod schemas, between
 * `<!-- BEGIN generated: … -->` and `<!-- END generated: … -->` markers; the rest of each page is
 * hand-written. Run: `node --conditions=@synapseops/source --import tsx packages/connectors/scripts/gen-connector-docs.ts`
 * (`--check` fails instead of writing when a page is stale).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { EmailConfig, SlackConfig, TeamsConfig } from "../src/index";
import { MysqlConfigSchema } from "../src/mysql/index";
import { NatsConfig } from "../src/nats/index";
import { PostgresConfigSchema } from "../src/postgres/index";
import { RabbitmqConfig } from "../src/rabbitmq/index";
import { RedisStreamsConfig } from "../src/redis/index";

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
}

const docs = fileURLToPath(new URL("../../../docs/connectors/", import.meta.url));

const PAGES: Record<string, Record<string, z.ZodType>> = {
  "postgres.md": { postgres: PostgresConfigSchema },
  "mysql.md": { mysql: MysqlConfigSchema },
  "rabbitmq.md": { rabbitmq: RabbitmqConfig },
  "redis-streams.md": { "redis-streams": RedisStreamsConfig },
  "nats.md": { nats: NatsConfig },
  "notifications.md": { slack: SlackConfig, teams: TeamsConfig, email: EmailConfig },
};

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(" \\| ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" \\| ");
  if (schema.type === "array") return `${typeOf(schema.items ?? {})}[]`;
  const base = Array.isArray(schema.type) ? schema.type.join(" \\| ") : (schema.type ?? "any");
  const range =
    schema.minimum !== undefined || schema.maximum !== undefined
      ? ` (${schema.minimum ?? "…"}–${schema.maximum ?? "…"})`
      : "";
  return `${base === "integer" ? "integer" : base}${schema.format ? ` (${schema.format})` : ""}${range}`;
}

function rows(schema: JsonSchema, prefix: string): string[] {
  const out: string[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    out.push(
      `| \`${path}\` | ${typeOf(property)} | ${required.has(name) ? "yes" : "no"} | ${
        property.default === undefined ? "" : `\`${JSON.stringify(property.default)}\``
      } | ${cell(property.description ?? "")} |`,
    );
    if (property.properties) out.push(...rows(property, `${path}.`));
  }
  return out;
}

function table(type: string, schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return [
    `<!-- BEGIN generated: ${type} config — from the zod schema by packages/connectors/scripts/gen-connector-docs.ts; do not edit -->`,
    "",
    "| field | type | required | default | description |",
    "| ----- | ---- | -------- | ------- | ----------- |",
    // Defaults computed on this machine (the redis consumer name) are shown as their recipe.
    ...rows(json, "").map((row) => row.replace(`${hostname()}-${process.pid}`, "<hostname>-<pid>")),
    "",
    `<!-- END generated: ${type} config -->`,
  ].join("\n");
}

/** prettier ships no types here; this is the one call we make. */
const prettier = "prettier";
const { format } = (await import(prettier)) as {
  format: (text: string, options: { parser: string; filepath: string }) => Promise<string>;
};

const check = process.argv.includes("--check");
let stale = 0;
for (const [page, schemas] of Object.entries(PAGES)) {
  const file = `${docs}${page}`;
  let text = readFileSync(file, "utf8");
  for (const [type, schema] of Object.entries(schemas)) {
    const pattern = new RegExp(
      `<!-- BEGIN generated: ${type} config[\\s\\S]*?<!-- END generated: ${type} config -->`,
    );
    if (!pattern.test(text)) throw new Error(`${page}: no generated block for ${type}`);
    text = text.replace(pattern, table(type, schema));
  }
  // Formatted as the repository's prettier would, so `--check` and prettier agree.
  text = await format(text, { parser: "markdown", filepath: file });
  if (text !== readFileSync(file, "utf8")) {
    stale += 1;
    if (!check) writeFileSync(file, text);
    process.stdout.write(`${check ? "stale" : "wrote"} docs/connectors/${page}\n`);
  }
}
if (check && stale > 0) process.exit(1);

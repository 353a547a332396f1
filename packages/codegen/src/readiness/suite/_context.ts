import type { OpenApiDocument, OperationDescriptor, ResponseDescriptor, TestProfile } from "@synapseops/core";
import { finalResponses } from "../../_http";
import type { SchemaValidator } from "../../schema/validator";
import type { CaseContext, CaseResponse, GoldenCase, GoldenSuite } from "../types";

/** What a category builder reads. */
export interface BuildContext {
  doc: OpenApiDocument;
  operations: readonly OperationDescriptor[];
  validator: SchemaValidator;
  profile: TestProfile;
  limits: GoldenSuite["limits"];
}

/** A category builder's output: its cases and how many candidates the cap left out. */
export interface CategoryCases {
  cases: GoldenCase[];
  omitted: number;
  /** Why the category has no case although the profile applies it. */
  none?: string;
}

/** The documented response for a status: exact, then `4XX`-style, then `default`. */
export function documentedResponse(op: OperationDescriptor, status: number): ResponseDescriptor | undefined {
  return (
    op.responses.find((r) => r.status === String(status)) ??
    op.responses.find((r) => r.status.toUpperCase() === `${String(status)[0]}XX`) ??
    op.responses.find((r) => r.status === "default")
  );
}

/**
 * Whether a status is one the operation allows. An operation that documents no final response
 * (ReadMe's extension demos document none; `responses` is required, so swagger-parser refuses
 * the document; edrv's WebSocket handshake only `101`, which no client sees as an answer)
 * holds the server to none: the mock answers it 200 (issue 19).
 */
export function isDocumentedStatus(op: OperationDescriptor, status: number): boolean {
  return finalResponses(op.responses).length === 0 || documentedResponse(op, status) !== undefined;
}

/** Fails unless the status is documented for the operation. */
export function expectDocumentedStatus(
  context: CaseContext,
  op: OperationDescriptor,
  response: CaseResponse,
): void {
  if (!isDocumentedStatus(op, response.status))
    context.fail(
      `${op.method.toUpperCase()} ${op.path} answered ${response.status}, which is not documented`,
      {
        pointer: "/response/status",
        expected: op.responses.map((r) => r.status),
        actual: response.status,
      },
    );
}

/** Fails with the first schema problem of the response body (pointer into the body). */
export function expectBodyMatches(
  context: CaseContext,
  validator: SchemaValidator,
  schema: unknown,
  response: CaseResponse,
  what: string,
): void {
  if (response.json === undefined && response.text !== "") {
    context.fail(`${what}: the body is not JSON`, {
      pointer: "/response/body",
      actual: response.text.slice(0, 200),
    });
  }
  const problems = validator.validate(schema, response.json);
  const first = problems[0];
  if (first)
    context.fail(`${what}: the body does not match the documented schema: ${first.message}`, {
      pointer: `/response/body${first.path}`,
      ...(problems.length > 1 ? { expected: `${problems.length} problems` } : {}),
    });
}

/** `GET /pets/{id}` for messages. */
export function label(op: OperationDescriptor): string {
  return `${op.method.toUpperCase()} ${op.path}`;
}

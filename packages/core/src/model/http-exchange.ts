import { z } from "zod";

/** Header names (lower-case) to values, as recorded (already redacted). */
export const RecordedHeaders = z.record(z.string(), z.string());

/** An HTTP request as recorded in a trace or a test case (redacted). */
export const RecordedRequest = z.object({
  method: z.string().min(1).max(16),
  url: z.string().min(1),
  headers: RecordedHeaders.default({}),
  /** Parsed JSON when the body was JSON, else the text; absent when there was none. */
  body: z.unknown().optional(),
});
/** An HTTP request as recorded (redacted). */
export type RecordedRequest = z.infer<typeof RecordedRequest>;

/** An HTTP response as recorded in a trace or a test case (redacted). */
export const RecordedResponse = z.object({
  status: z.int().min(100).max(599),
  headers: RecordedHeaders.default({}),
  body: z.unknown().optional(),
});
/** An HTTP response as recorded (redacted). */
export type RecordedResponse = z.infer<typeof RecordedResponse>;

/** One problem found when an exchange is checked against an API description. */
export const ConformanceProblem = z.object({
  /** Where in the exchange: `/request/body/items/0/sku`, `/response/headers/retry-after`… */
  pointer: z.string(),
  /** Where in the API document the violated rule is: `#/paths/~1orders/post/requestBody/…`. */
  documentPointer: z.string().optional(),
  /** A stable code such as `type`, `required`, `enum`, `status-undocumented`. */
  code: z.string().min(1),
  message: z.string().min(1),
});
/** One problem found when an exchange is checked against an API description. */
export type ConformanceProblem = z.infer<typeof ConformanceProblem>;

/** An annotation whose condition held for an exchange, as shown to the person reading a result. */
export const MatchedAnnotation = z.object({
  id: z.string().min(1),
  message: z.string().min(1),
  severity: z.enum(["info", "warning", "error"]),
  link: z.url().optional(),
});
/** An annotation whose condition held for an exchange. */
export type MatchedAnnotation = z.infer<typeof MatchedAnnotation>;

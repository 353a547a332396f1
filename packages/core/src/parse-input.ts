import type { z } from "zod";
import { ValidationError } from "./errors";
import { toJsonPointer } from "./json";

/**
 * Parses caller input with a zod schema; on failure throws a ValidationError whose path is the
 * JSON pointer of the first problem and whose message lists up to five, each with its pointer.
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
  pathPrefix = "",
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    path: `${pathPrefix}${toJsonPointer(issue.path)}`,
    message: issue.message,
  }));
  const listed = problems
    .slice(0, 5)
    .map((problem) => `${problem.path || "/"}: ${problem.message}`)
    .join("; ");
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : "";
  throw new ValidationError(`invalid ${what}: ${listed}${more}`, {
    path: problems[0]?.path ?? "",
    cause: parsed.error,
  });
}

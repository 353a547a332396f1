import { ConnectorError } from "@synapseops/core";
import { type CompiledExpression, compileExpression } from "@synapseops/mapping";

const compiled = new Map<string, CompiledExpression>();

/**
 * Renders a JSONata template over the record (`"Order " & id & " failed"`). Templates are
 * compiled once and kept; a template that does not compile or evaluate is a fatal error, since
 * retrying it would fail the same way.
 */
export async function renderTemplate(template: string, record: unknown, where: string): Promise<unknown> {
  try {
    let expression = compiled.get(template);
    if (expression === undefined) {
      expression = compileExpression(template, { path: where });
      compiled.set(template, expression);
    }
    return await expression.evaluate(record);
  } catch (error) {
    throw ConnectorError.nonRetryable(
      `${where}: template failed: ${error instanceof Error ? error.message : String(error)}`,
      { path: where, cause: error },
    );
  }
}

/** Renders a template to text: strings as they are, anything else as JSON. */
export async function renderText(template: string, record: unknown, where: string): Promise<string> {
  const value = await renderTemplate(template, record, where);
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A message's text: its template rendered when there is one, else {@link defaultText}. */
export async function messageText(
  template: string | undefined,
  record: unknown,
  where: string,
): Promise<string> {
  return template === undefined ? defaultText(record) : renderText(template, record, where);
}

/** The text of a message without a template: a string as is, `{ text }` its text, else JSON. */
export function defaultText(record: unknown): string {
  if (typeof record === "string") return record;
  if (
    typeof record === "object" &&
    record !== null &&
    typeof (record as { text?: unknown }).text === "string"
  ) {
    return (record as { text: string }).text;
  }
  return JSON.stringify(record);
}

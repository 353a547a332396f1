import type { RecordedRequest, RecordedResponse, TestExchange } from "@synapseops/core";

/** The header every suite request carries: which case sent it (mocks scope bursts and faults by it). */
export const CASE_HEADER = "x-synapseops-case";

/** JSON when the text parses, else the text; undefined for an empty body. */
export function parseBody(text: string | undefined, contentType: string | null | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  if (/json/i.test(contentType ?? "") || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Lower-case header names to values. */
export function headerRecord(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) out[name.toLowerCase()] = value;
  return out;
}

/** A recorded exchange (not yet redacted). */
export function recordExchange(
  request: { method: string; url: string; headers: Record<string, string>; body?: string },
  response: { status: number; headers: Headers; text: string } | undefined,
  durationMs: number,
  error?: string,
): TestExchange {
  const recordedRequest: RecordedRequest = {
    method: request.method,
    url: request.url,
    headers: headerRecord(request.headers),
  };
  const requestBody = parseBody(request.body, request.headers["content-type"]);
  if (requestBody !== undefined) recordedRequest.body = requestBody;
  let recordedResponse: RecordedResponse | undefined;
  if (response) {
    recordedResponse = { status: response.status, headers: headerRecord(response.headers) };
    const body = parseBody(response.text, response.headers.get("content-type"));
    if (body !== undefined) recordedResponse.body = body;
  }
  return {
    request: recordedRequest,
    ...(recordedResponse ? { response: recordedResponse } : {}),
    ...(error !== undefined ? { error } : {}),
    durationMs: Math.max(0, durationMs),
  };
}

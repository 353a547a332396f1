import { ConnectorError, connectorErrorFromStatus, isRetryableNetworkError } from "@synapseops/core";

/** Posts JSON to an incoming-webhook URL; a non-2xx answer or a network failure is a classified ConnectorError. */
export async function postJson(
  url: string,
  body: unknown,
  options: { signal: AbortSignal; timeoutMs: number; channel: string; idempotencyKey?: string | undefined },
): Promise<{ status: number }> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.idempotencyKey === undefined ? {} : { "idempotency-key": options.idempotencyKey }),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    // The URL of an incoming webhook is a secret: name the channel, never the URL.
    throw new ConnectorError(`${options.channel}: webhook request failed: ${(error as Error).message}`, {
      retryable: isRetryableNetworkError(error) || signal.aborted,
      cause: error,
    });
  }
  if (!response.ok) {
    const text = (await response.text().catch(() => "")).slice(0, 200);
    throw connectorErrorFromStatus(
      response.status,
      `${options.channel}: webhook answered ${response.status} ${text}`,
      {
        retryAfter: response.headers.get("retry-after"),
      },
    );
  }
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status };
}

/** The webhook URL of a call: the config's, or the named secret's. */
export function webhookUrl(
  config: { webhookUrl?: string | undefined; webhookSecret: string },
  secrets: Readonly<Record<string, string>>,
  channel: string,
): string {
  const url = config.webhookUrl ?? secrets[config.webhookSecret];
  if (url === undefined || url === "") {
    throw ConnectorError.nonRetryable(
      `${channel}: no webhook URL: set config.webhookUrl or resolve the secret "${config.webhookSecret}"`,
      { path: "/webhookUrl" },
    );
  }
  return url;
}

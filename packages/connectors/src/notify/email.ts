import {
  type Connector,
  ConnectorError,
  DependencyMissingError,
  defineConnector,
  isRetryableNetworkError,
} from "@synapseops/core";
import type { Transporter } from "nodemailer";
import { z } from "zod";
import { messageText, renderText } from "./_template";

/** The config of an email (SMTP) notification channel. */
export const EmailConfig = z.object({
  host: z.string().min(1).meta({ description: "SMTP server host." }),
  port: z.int().min(1).max(65_535).default(587).meta({ description: "SMTP port." }),
  secure: z
    .boolean()
    .default(false)
    .meta({ description: "TLS from the start (port 465); otherwise STARTTLS when offered." }),
  user: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "SMTP user; its password comes from the `passwordSecret` secret." }),
  passwordSecret: z
    .string()
    .min(1)
    .default("smtpPassword")
    .meta({ description: "Name of the secret holding the SMTP password." }),
  from: z.string().min(1).meta({ description: "Sender (`SynapseOps <ops@example.com>`)." }),
  to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).meta({ description: "Recipient(s)." }),
  subject: z
    .string()
    .min(1)
    .meta({ description: 'JSONata template of the subject (`"Run " & run.id & " failed"`).' }),
  text: z.string().min(1).optional().meta({
    description:
      "JSONata template of the plain-text body. Without it: a string record, its `text`, or its JSON.",
  }),
  html: z.string().min(1).optional().meta({ description: "JSONata template of an HTML body." }),
  timeoutMs: z.int().min(1).default(15_000).meta({ description: "Connection and socket timeout." }),
});
/** The config of an email notification channel. */
export type EmailConfig = z.output<typeof EmailConfig>;
/** The config of a email connector ref, as written in a ref (defaults optional). */
export interface EmailConnectorConfig extends z.input<typeof EmailConfig> {}

/** Options of {@link email}. */
export interface EmailOptions {
  /**
   * Loads nodemailer; for tests. @default `() => import("nodemailer")`
   */
  importer?: () => Promise<unknown>;
}

type CreateTransport = (options: Record<string, unknown>) => Transporter;

/** A Message-ID from the idempotency key, so receivers that dedupe by it see one message. */
function messageId(key: string): string {
  return `<${key.replace(/[^A-Za-z0-9._-]/g, "_")}@synapseops>`;
}

/** SMTP 4xx replies are transient (RFC 5321 §4.2.1); 5xx are permanent. */
function smtpError(error: unknown): ConnectorError {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  const retryable =
    typeof responseCode === "number"
      ? responseCode >= 400 && responseCode < 500
      : isRetryableNetworkError(error) ||
        code === "ECONNECTION" ||
        code === "ETIMEDOUT" ||
        code === "ESOCKET";
  return new ConnectorError(`email: sending failed: ${message}`, {
    retryable,
    cause: error,
    ...(typeof responseCode === "number" ? { status: responseCode } : {}),
  });
}

/**
 * Email notifications over SMTP through nodemailer (an optional peer, loaded on first send), with
 * subject and bodies rendered by JSONata templates. The idempotency key becomes the Message-ID.
 *
 * @example
 * ```ts
 * await runtime.connectorRefs.put(projectId, {
 *   type: "email",
 *   name: "ops-mail",
 *   config: { host: "smtp.example.com", from: "ops@example.com", to: "oncall@example.com", subject: '"Run " & run.id & " failed"' },
 * });
 * ```
 */
export function email(
  options: EmailOptions = {},
): Connector<EmailConfig, "email", EmailConnectorConfig> & { close(): void } {
  const transports = new Map<string, Transporter>();
  let create: Promise<CreateTransport> | undefined;
  const load = (): Promise<CreateTransport> => {
    create ??= (options.importer ?? (() => import("nodemailer")))().then(
      (module) => {
        const candidate = module as { createTransport?: unknown; default?: { createTransport?: unknown } };
        return (candidate.createTransport ?? candidate.default?.createTransport) as CreateTransport;
      },
      (error: unknown) => {
        create = undefined;
        throw new DependencyMissingError("nodemailer", "the email notification channel", { cause: error });
      },
    );
    return create;
  };
  const connector = defineConnector({
    type: "email",
    version: "0.1.0",
    configSchema: EmailConfig,
    capabilities: {
      async write(config, record, context) {
        const password = context.secrets[config.passwordSecret];
        const key = `${config.host}:${config.port}:${config.user ?? ""}`;
        let transport = transports.get(key);
        if (transport === undefined) {
          const createTransport = await load();
          transport = createTransport({
            host: config.host,
            port: config.port,
            secure: config.secure,
            connectionTimeout: config.timeoutMs,
            socketTimeout: config.timeoutMs,
            ...(config.user === undefined ? {} : { auth: { user: config.user, pass: password ?? "" } }),
          });
          transports.set(key, transport);
        }
        const subject = await renderText(config.subject, record, "email /subject");
        const text = await messageText(config.text, record, "email /text");
        const html =
          config.html === undefined ? undefined : await renderText(config.html, record, "email /html");
        try {
          const info = (await transport.sendMail({
            from: config.from,
            to: config.to,
            subject,
            text,
            ...(html === undefined ? {} : { html }),
            ...(context.idempotencyKey === undefined ? {} : { messageId: messageId(context.idempotencyKey) }),
          })) as { messageId?: string; accepted?: unknown[] };
          return { messageId: info.messageId, accepted: info.accepted?.length ?? 0 };
        } catch (error) {
          throw smtpError(error);
        }
      },
    },
  });
  return Object.assign(connector, {
    close(): void {
      for (const transport of transports.values()) transport.close();
      transports.clear();
    },
  });
}

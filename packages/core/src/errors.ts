import { hasErrorBrand, stampErrorBrands } from "./_error-brand";
import type { ValidationReport } from "./blueprints/validation-report";

/**
 * Stable error codes. Hosts branch on `code`, never on message text.
 */
export const ErrorCode = {
  INTERNAL: "INTERNAL",
  INVALID_INPUT: "INVALID_INPUT",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  LIFECYCLE: "LIFECYCLE",
  BLUEPRINT_INVALID: "BLUEPRINT_INVALID",
  MERGE_PATCH_INVALID: "MERGE_PATCH_INVALID",
  MAPPING_ENGINE: "MAPPING_ENGINE",
  CONNECTOR_INVALID: "CONNECTOR_INVALID",
  CONNECTOR_FAILED: "CONNECTOR_FAILED",
  STORE: "STORE",
  DEPENDENCY_MISSING: "DEPENDENCY_MISSING",
  CURSOR_INVALID: "CURSOR_INVALID",
  CANCELLED: "CANCELLED",
  CLOSED: "CLOSED",
  IDEMPOTENCY_CONFLICT: "IDEMPOTENCY_CONFLICT",
  IDEMPOTENCY_KEY_INVALID: "IDEMPOTENCY_KEY_INVALID",
  SECRET_MISSING: "SECRET_MISSING",
  APPROVAL_NOT_PENDING: "APPROVAL_NOT_PENDING",
  OVERLOADED: "OVERLOADED",
  CONNECTION_BROKEN: "CONNECTION_BROKEN",
  OAUTH_FAILED: "OAUTH_FAILED",
  FORBIDDEN: "FORBIDDEN",
  SCHEDULE_INVALID: "SCHEDULE_INVALID",
  RECORD_NOT_PARKED: "RECORD_NOT_PARKED",
} as const;

/** One of the values of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options shared by every {@link SynapseError}. */
export interface SynapseErrorOptions {
  /** Where the problem is: a JSON pointer into the input (`/steps/2/policy`) or a rule path. */
  path?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The base of every error SynapseOps throws from its public API.
 *
 * @example
 * ```ts
 * try { await runtime.blueprints.get("bp_missing"); }
 * catch (error) { if (error instanceof SynapseError && error.code === "NOT_FOUND") … }
 * ```
 */
export class SynapseError extends Error {
  /**
   * What `instanceof` recognises this class by when the error comes from another copy of the
   * package (its ESM and CJS builds in one process, or two installed versions). Subclasses may
   * declare their own; without one, the class name is used.
   */
  static readonly brand: string = "@synapseops/core:SynapseError";

  /** `instanceof` by prototype chain, or by brand across copies of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class tested against (a subclass too).
    return hasErrorBrand(this, value);
  }

  override name = "SynapseError";
  readonly code: ErrorCode;
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, options: SynapseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    stampErrorBrands(this, new.target);
  }

  /** A plain object for logs and API responses (no stack, no cause). */
  toJSON(): { name: string; code: ErrorCode; message: string; path?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.path ? { path: this.path } : {}),
    };
  }
}

/** Input that does not fit the model: a bad body, option or patch. A caller's mistake. */
export class ValidationError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:ValidationError";
  override name = "ValidationError";
  constructor(message: string, options: SynapseErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCode.INVALID_INPUT, message, options);
  }
}

/** A blueprint whose validation report has errors, where an operation needs none (approval). */
export class BlueprintInvalidError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:BlueprintInvalidError";
  override name = "BlueprintInvalidError";
  /** The report with every issue; `path` is the first error's. */
  readonly report: ValidationReport;
  constructor(blueprintId: string, report: ValidationReport) {
    const errors = report.issues.filter((issue) => issue.severity === "error");
    const first = errors[0];
    super(
      ErrorCode.BLUEPRINT_INVALID,
      `blueprint "${blueprintId}" revision ${report.revision ?? "?"} has ${errors.length} validation error(s)${first ? `; first at ${first.path || "/"}: ${first.message}` : ""}`,
      first === undefined ? {} : { path: first.path },
    );
    this.report = report;
  }
}

/** An actor the host's `authorize` refused: the action and resource it asked for. */
export class ForbiddenError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:ForbiddenError";
  override name = "ForbiddenError";
  /** The action refused (an `AuthorizeAction`). */
  readonly action: string;
  /** What it was refused on. */
  readonly resource: { type: string; id?: string; projectId?: string };
  constructor(
    message: string,
    details: { action: string; resource: { type: string; id?: string; projectId?: string } },
    options: SynapseErrorOptions = {},
  ) {
    super(ErrorCode.FORBIDDEN, message, options);
    this.action = details.action;
    this.resource = details.resource;
  }
}

/** An entity that does not exist. */
export class NotFoundError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:NotFoundError";
  override name = "NotFoundError";
  readonly entity: string;
  readonly id: string;
  constructor(entity: string, id: string, options: SynapseErrorOptions = {}) {
    super(ErrorCode.NOT_FOUND, `${entity} "${id}" not found`, options);
    this.entity = entity;
    this.id = id;
  }
}

/** A write lost a race (optimistic concurrency) or collides with existing data. */
export class ConflictError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:ConflictError";
  override name = "ConflictError";
  constructor(message: string, options: SynapseErrorOptions = {}) {
    super(ErrorCode.CONFLICT, message, options);
  }
}

/** A lifecycle transition that the entity's state does not allow. */
export class LifecycleError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:LifecycleError";
  override name = "LifecycleError";
  readonly from: string;
  readonly action: string;
  constructor(action: string, from: string, message: string, options: SynapseErrorOptions = {}) {
    super(ErrorCode.LIFECYCLE, message, options);
    this.from = from;
    this.action = action;
  }
}

/**
 * An idempotency key reused with a different payload (IETF Idempotency-Key draft: 422), or still
 * in progress elsewhere. Never retried.
 */
export class IdempotencyConflictError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:IdempotencyConflictError";
  override name = "IdempotencyConflictError";
  readonly key: string;
  constructor(key: string, message: string, options: SynapseErrorOptions = {}) {
    super(ErrorCode.IDEMPOTENCY_CONFLICT, message, options);
    this.key = key;
  }
}

/** A store (database) failed for a reason that is not the caller's input. */
export class StoreError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:StoreError";
  override name = "StoreError";
  /**
   * The store could not be reached or dropped the connection (a restart, a cut connection, no
   * free connection): the same call may succeed shortly. The store decides, not its callers —
   * the runtime hands work back instead of failing it when this is set.
   */
  readonly outage: boolean;
  constructor(message: string, options: SynapseErrorOptions & { outage?: boolean } = {}) {
    super(ErrorCode.STORE, message, options);
    this.outage = options.outage ?? false;
  }
}

/**
 * A lease the caller relied on — an idempotency key's, a run batch's — has expired and may be
 * held by another worker now: the caller must stop and leave the work to the new holder.
 */
export class LeaseLostError extends ConflictError {
  static override readonly brand: string = "@synapseops/core:LeaseLostError";
  override name = "LeaseLostError";
  constructor(what: string, owner: string, options: SynapseErrorOptions = {}) {
    super(`${what} is no longer held by ${owner}`, options);
  }
}

/**
 * The runtime holds more accepted-but-unfinished work than it admits (`admission` of
 * `createRuntime`), or its store cannot take more now: nothing was created. Retryable after
 * `retryAfterMs`; `resource` says what is saturated (a service answers 429 for the queue, 503
 * for the store).
 */
export class OverloadedError extends SynapseError {
  override name = "OverloadedError";
  readonly retryAfterMs: number;
  readonly resource: "queue" | "store";
  constructor(
    message: string,
    options: SynapseErrorOptions & { retryAfterMs: number; resource: "queue" | "store" },
  ) {
    super(ErrorCode.OVERLOADED, message, options);
    this.retryAfterMs = options.retryAfterMs;
    this.resource = options.resource;
  }
}

/**
 * A connection whose credentials no longer work — the authorization server answered
 * `invalid_grant` or `invalid_client`, or the connection was revoked — so every call through it
 * fails at once with this error instead of retrying: the customer must reconnect. Never retryable.
 */
export class ConnectionBrokenError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:ConnectionBrokenError";
  override name = "ConnectionBrokenError";
  readonly connectionId: string;
  /** `BROKEN` (credentials rejected) or `REVOKED` (revoked on purpose). */
  readonly status: "BROKEN" | "REVOKED";
  readonly retryable = false;
  constructor(
    connectionId: string,
    status: "BROKEN" | "REVOKED",
    reason: string,
    options: SynapseErrorOptions = {},
  ) {
    super(
      ErrorCode.CONNECTION_BROKEN,
      `connection "${connectionId}" is ${status}: ${reason}; the customer must reconnect`,
      options,
    );
    this.connectionId = connectionId;
    this.status = status;
  }
}

/**
 * An OAuth 2.0 exchange failed for a reason that is not a broken connection: a callback with a
 * bad or expired `state`, an error returned by the authorization server, a malformed token
 * response. `oauthError` is the server's RFC 6749 §5.2 `error` code when it sent one.
 */
export class OAuthError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:OAuthError";
  override name = "OAuthError";
  readonly oauthError: string | undefined;
  constructor(message: string, options: SynapseErrorOptions & { oauthError?: string } = {}) {
    super(ErrorCode.OAUTH_FAILED, message, options);
    this.oauthError = options.oauthError;
  }
}

/** An optional dependency (a database client, a queue library) is not installed. */
export class DependencyMissingError extends SynapseError {
  static override readonly brand: string = "@synapseops/core:DependencyMissingError";
  override name = "DependencyMissingError";
  constructor(packageName: string, feature: string, options: SynapseErrorOptions = {}) {
    super(
      ErrorCode.DEPENDENCY_MISSING,
      `${feature} needs the "${packageName}" package: install it with \`npm install ${packageName}\``,
      options,
    );
  }
}

/**
 * Turns anything thrown into a {@link SynapseError}: ours pass through, the rest become
 * `INTERNAL` errors that keep the original as `cause`. Used at public API edges.
 */
export function toSynapseError(error: unknown): SynapseError {
  if (error instanceof SynapseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SynapseError(ErrorCode.INTERNAL, `internal error: ${message}`, { cause: error });
}

/**
 * A schedule the runtime cannot fire: an invalid cron expression, an unknown IANA time zone, or
 * options that contradict each other. `path` points at the field (`/cron`, `/timeZone`).
 */
export class ScheduleInvalidError extends ValidationError {
  static override readonly brand: string = "@synapseops/core:ScheduleInvalidError";
  override name = "ScheduleInvalidError";
  constructor(message: string, options: SynapseErrorOptions = {}) {
    super(message, { ...options, code: ErrorCode.SCHEDULE_INVALID });
  }
}

import { ValidationError } from "@synapseops/core";

/** A golden-suite input problem: a bad profile, environment or option (what and where). */
export class ReadinessConfigError extends ValidationError {
  override name = "ReadinessConfigError";
}

/** Thrown by a case's checks when an assertion does not hold; `runSuite` reports it `failed`. */
export class CaseFailure extends Error {
  override name = "CaseFailure";
  /** Where in the exchange: `/response/body/items/0/id`, `/response/status`. */
  readonly pointer: string | undefined;
  readonly expected: unknown;
  readonly actual: unknown;
  constructor(message: string, details: { pointer?: string; expected?: unknown; actual?: unknown } = {}) {
    super(message);
    this.pointer = details.pointer;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}

/** Thrown by a case whose behaviour turns out not to exist for the API; `runSuite` reports it `n/a`. */
export class CaseNotApplicable extends Error {
  override name = "CaseNotApplicable";
}

/** Thrown by a case that cannot run in this environment; `runSuite` reports it `skipped`. */
export class CaseSkip extends Error {
  override name = "CaseSkip";
}

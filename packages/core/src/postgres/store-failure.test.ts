// issue 16: the store itself says when a failure is an outage (the executor hands the batch
// back then); pg reports a connection broken by an earlier error with no SQLSTATE, which the
// executor's old SQLSTATE check missed, so a cut connection failed a batch and lost records.
import { describe, expect, it } from "vitest";
import { ConflictError, StoreError } from "../errors";
import { isStoreOutage } from "../store/store-outage";
import { toStoreFailure } from "./_sql";

const pgError = (message: string, code?: string): Error =>
  Object.assign(new Error(message), code ? { code } : {});

describe("toStoreFailure", () => {
  it.each([
    ["Client has encountered a connection error and is not queryable", undefined],
    ["Connection terminated unexpectedly", undefined],
    ["timeout exceeded when trying to connect", undefined],
    ["terminating connection due to administrator command", "57P01"],
    ["the database system is shutting down", "57P03"],
    ["connection failure", "08006"],
    ["sorry, too many clients already", "53300"],
    ["connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"],
  ])("marks %j (%s) as an outage", (message, code) => {
    const failure = toStoreFailure(pgError(message, code), "claimIdempotencyKey");
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).outage).toBe(true);
    expect(isStoreOutage(failure)).toBe(true);
  });

  it.each([
    ['syntax error at or near "SELEC"', "42601"],
    ['relation "runs" does not exist', "42P01"],
    ["invalid input syntax for type integer", "22P02"],
  ])("does not mark %j (%s) as an outage", (message, code) => {
    const failure = toStoreFailure(pgError(message, code), "getRun");
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).outage).toBe(false);
    expect(isStoreOutage(failure)).toBe(false);
  });

  it("keeps a unique violation a conflict, never an outage", () => {
    const failure = toStoreFailure(pgError("duplicate key value", "23505"), "insertRun");
    expect(failure).toBeInstanceOf(ConflictError);
    expect(isStoreOutage(failure)).toBe(false);
  });
});

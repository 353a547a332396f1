import { describe, expect, it } from "vitest";
import type { Connector, ConnectorContext, ReadBatch } from "../connector";
import { ErrorCode, SynapseError } from "../errors";
import { silentLogger } from "../logger";

/** Options of {@link testConnector}. */
export interface ConnectorContractOptions<Config> {
  /** The connector under test. */
  connector: Connector<Config>;
  /** A config (before parsing) that works against the peer the test set up. */
  config: unknown;
  /** A value the config schema must reject, and the JSON pointer it must report. @default `{ value: 42, path: undefined }` */
  invalidConfig?: { value: unknown; path?: string };
  /** The secrets a call gets. @default {} */
  secrets?: Record<string, string>;
  /** The environment a call gets. @default `{ name: "test", variables: {} }` */
  environment?: ConnectorContext["environment"];
  /** A record `write` (and `writeBatch`) must accept; without it the write checks are skipped. */
  sampleRecord?: unknown;
  /** A config whose calls fail (an unreachable host); its failures must be SynapseErrors. */
  failingConfig?: unknown;
  /** Most batches a `read` check consumes. @default 20 */
  maxBatches?: number;
  /** Skip the whole suite with this reason. */
  skip?: string | false;
}

/** A context for calling a connector directly in tests. */
export function connectorTestContext(overrides: Partial<ConnectorContext> = {}): ConnectorContext {
  return {
    logger: silentLogger(),
    signal: new AbortController().signal,
    secrets: {},
    attempt: 1,
    environment: { name: "test", variables: {} },
    ...overrides,
  };
}

const CAPABILITIES = ["read", "write", "writeBatch", "subscribe", "test", "health"] as const;

/**
 * The contract every connector must pass (STYLE 7). Call it from the connector's test file with
 * a config pointing at a peer the test started; each capability the connector has is checked.
 *
 * @example
 * ```ts
 * testConnector({ connector: http(), config: { baseUrl: server.url }, sampleRecord: { id: 1 } });
 * ```
 */
export function testConnector<Config>(options: ConnectorContractOptions<Config>): void {
  const { connector } = options;
  const context = (): ConnectorContext =>
    connectorTestContext({
      secrets: options.secrets ?? {},
      ...(options.environment === undefined ? {} : { environment: options.environment }),
    });

  describe.skipIf(Boolean(options.skip))(`connector contract: ${connector.type}`, () => {
    it("has a valid type, a version, secret names and at least one capability", () => {
      expect(connector.type).toMatch(/^[a-z][a-z0-9._-]{0,62}$/);
      expect(connector.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(Array.isArray(connector.secrets)).toBe(true);
      const present = CAPABILITIES.filter((name) => connector[name] !== undefined);
      expect(present.length).toBeGreaterThan(0);
      for (const name of present) expect(typeof connector[name]).toBe("function");
    });

    it("parses its config, and parsing is idempotent", () => {
      const parsed = connector.parseConfig(options.config);
      expect(connector.parseConfig(parsed)).toEqual(parsed);
    });

    it("rejects an invalid config with a CONNECTOR_INVALID ValidationError", () => {
      const invalid = options.invalidConfig ?? { value: 42 };
      let thrown: unknown;
      try {
        connector.parseConfig(invalid.value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SynapseError);
      expect((thrown as SynapseError).code).toBe(ErrorCode.CONNECTOR_INVALID);
      expect((thrown as SynapseError).message).toContain(connector.type);
      if (invalid.path !== undefined) expect((thrown as SynapseError).path).toBe(invalid.path);
    });

    it.skipIf(connector.test === undefined)("passes its connection test", async () => {
      await expect(
        connector.test?.(connector.parseConfig(options.config), context()),
      ).resolves.toBeUndefined();
    });

    it.skipIf(connector.health === undefined)("reports health as { ok: boolean }", async () => {
      const health = await connector.health?.(connector.parseConfig(options.config), context());
      expect(typeof health?.ok).toBe("boolean");
    });

    it.skipIf(connector.write === undefined || options.sampleRecord === undefined)(
      "writes a record with an idempotency key",
      async () => {
        const config = connector.parseConfig(options.config);
        await expect(
          connector.write?.(config, options.sampleRecord, { ...context(), idempotencyKey: "contract-1" }),
        ).resolves.not.toThrow();
      },
    );

    it.skipIf(connector.writeBatch === undefined || options.sampleRecord === undefined)(
      "writes a batch and returns one result per record",
      async () => {
        const config = connector.parseConfig(options.config);
        const results = await connector.writeBatch?.(config, [options.sampleRecord, options.sampleRecord], {
          ...context(),
          idempotencyKeys: ["contract-b1", "contract-b2"],
        });
        expect(results).toHaveLength(2);
      },
    );

    it.skipIf(connector.read === undefined)(
      "reads batches of records, and resuming at a cursor does not repeat the batch before it",
      async () => {
        const config = connector.parseConfig(options.config);
        const batches: ReadBatch[] = [];
        for await (const batch of connector.read?.(config, context(), {}) ?? []) {
          expect(Array.isArray(batch.records)).toBe(true);
          batches.push(batch);
          if (batches.length >= (options.maxBatches ?? 20)) break;
        }
        const first = batches[0];
        if (first === undefined || first.cursor === undefined || batches.length < 2) return;
        const resumed: ReadBatch[] = [];
        for await (const batch of connector.read?.(config, context(), { cursor: first.cursor }) ?? []) {
          resumed.push(batch);
          break;
        }
        expect(resumed[0]?.records).toEqual(batches[1]?.records);
      },
    );

    it.skipIf(connector.subscribe === undefined)("subscribes and closes cleanly", async () => {
      const config = connector.parseConfig(options.config);
      const subscription = await connector.subscribe?.(config, context(), async () => {});
      await expect(subscription?.close()).resolves.toBeUndefined();
    });

    it.skipIf(options.failingConfig === undefined)(
      "fails against an unreachable peer with SynapseErrors, never bare errors",
      async () => {
        const config = connector.parseConfig(options.failingConfig);
        // Each call's rejection is caught as it is made, so none is ever unhandled.
        const settle = (call: Promise<unknown>): Promise<unknown> =>
          call.then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
        const calls: Promise<unknown>[] = [];
        if (connector.test !== undefined) calls.push(settle(connector.test(config, context())));
        if (connector.write !== undefined && options.sampleRecord !== undefined) {
          calls.push(settle(connector.write(config, options.sampleRecord, context())));
        }
        if (connector.read !== undefined) {
          const iterator = connector.read(config, context(), {})[Symbol.asyncIterator]();
          calls.push(settle(iterator.next()));
        }
        expect(calls.length).toBeGreaterThan(0);
        // A call that needs no peer (a test that only checks secrets) may pass; one at least must fail.
        const errors = (await Promise.all(calls)).filter((error) => error !== undefined);
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) expect(error).toBeInstanceOf(SynapseError);
      },
    );
  });
}

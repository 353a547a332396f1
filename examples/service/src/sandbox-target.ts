import { type Connector, ConnectorError, defineConnector } from "@synapseops/core";
import { compileExpression } from "@synapseops/mapping";
import { z } from "zod";
import { mappingSandbox, SANDBOX_RULE_TIMEOUT_MS } from "./mapping-sandbox";

/** What the sandbox holds for one channel: the records it accepted and its rejection rule. */
export interface SandboxChannel {
  channel: string;
  /** Records accepted, oldest first. */
  received: unknown[];
  /** A JSONata predicate over a record; records for which it holds are rejected. */
  rejectWhen?: string;
  /** Whether the channel answers every write with a retryable 503 (a target that is down). */
  unavailable?: boolean;
}

/** An in-process stand-in for a target system (an ERP, a finance API) whose failures you control. */
export interface SandboxTarget {
  /** The `sandbox` connector type to register with the runtime. */
  readonly connector: Connector<{ channel: string }>;
  channel(name: string): SandboxChannel;
  /** Sets (or with `undefined` clears) the rule that makes the channel reject records. */
  setRejectWhen(name: string, rejectWhen: string | undefined): SandboxChannel;
  /** Takes the channel down (every write a retryable 503) or brings it back. */
  setUnavailable(name: string, unavailable: boolean): SandboxChannel;
}

interface ChannelState {
  received: unknown[];
  rule?: { source: string };
  unavailable?: boolean;
}

/**
 * A target system that accepts records into named channels and rejects those matching a rule
 * with a non-retryable 422, so a run produces a dead letter on demand — and accepts it again
 * once the rule is cleared, so the dead letter can be replayed; a channel taken down answers a
 * retryable 503, so retries (and records parked for a later attempt) can be seen. The console and
 * the tests use it.
 */
export function sandboxTarget(): SandboxTarget {
  const channels = new Map<string, ChannelState>();
  const state = (name: string): ChannelState => {
    let found = channels.get(name);
    if (found === undefined) {
      found = { received: [] };
      channels.set(name, found);
    }
    return found;
  };
  // Reading does not create a channel: only writes and rules do.
  const view = (name: string): SandboxChannel => {
    const { received, rule, unavailable } = channels.get(name) ?? { received: [] };
    return {
      channel: name,
      received: structuredClone(received),
      ...(rule ? { rejectWhen: rule.source } : {}),
      ...(unavailable ? { unavailable } : {}),
    };
  };
  const connector = defineConnector({
    type: "sandbox",
    version: "0.1.0",
    configSchema: z.object({ channel: z.string().min(1).max(100).default("default") }),
    capabilities: {
      async write(config, record) {
        const channel = state(config.channel);
        if (channel.unavailable) {
          throw new ConnectorError(`sandbox channel "${config.channel}" is unavailable`, {
            retryable: true,
            status: 503,
          });
        }
        // The rule comes from an API caller: it runs in a worker with a hard deadline (issue 16).
        const rejected =
          channel.rule !== undefined &&
          (await mappingSandbox().evaluate(channel.rule.source, record, {
            timeoutMs: SANDBOX_RULE_TIMEOUT_MS,
          })) === true;
        if (channel.rule && rejected) {
          throw ConnectorError.nonRetryable(
            `sandbox channel "${config.channel}" rejected the record (rejectWhen: ${channel.rule.source})`,
            { status: 422 },
          );
        }
        channel.received.push(structuredClone(record));
        return { channel: config.channel, position: channel.received.length };
      },
      async test() {},
    },
  });
  return {
    connector,
    channel: view,
    setRejectWhen(name, rejectWhen) {
      const channel = state(name);
      if (rejectWhen === undefined || rejectWhen.trim() === "") delete channel.rule;
      else {
        // Compiling only parses (and checks regexes): a syntax error is a MappingError with its position.
        compileExpression(rejectWhen, { timeoutMs: SANDBOX_RULE_TIMEOUT_MS });
        channel.rule = { source: rejectWhen };
      }
      return view(name);
    },
    setUnavailable(name, unavailable) {
      const channel = state(name);
      if (unavailable) channel.unavailable = true;
      else delete channel.unavailable;
      return view(name);
    },
  };
}

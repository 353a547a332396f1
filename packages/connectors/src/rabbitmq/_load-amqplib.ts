import { DependencyMissingError } from "@synapseops/core";
import type { connect } from "amqplib";

/** The part of `amqplib` we use. */
export interface AmqplibModule {
  connect: typeof connect;
}

let loaded: Promise<AmqplibModule> | undefined;

/**
 * Imports the optional `amqplib` peer on first use, so `@synapseops/connectors/rabbitmq` loads
 * without it; a missing package fails with what to install. A given importer (tests) is not cached.
 */
export function loadAmqplib(importer?: () => Promise<unknown>): Promise<AmqplibModule> {
  if (importer !== undefined) return importAmqplib(importer);
  loaded ??= importAmqplib(() => import("amqplib")).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

function importAmqplib(importer: () => Promise<unknown>): Promise<AmqplibModule> {
  return importer().then(
    (module) => {
      const candidate = module as { connect?: unknown; default?: { connect?: unknown } };
      return { connect: (candidate.connect ?? candidate.default?.connect) as typeof connect };
    },
    (error: unknown) => {
      throw new DependencyMissingError("amqplib", "the rabbitmq connector", { cause: error });
    },
  );
}

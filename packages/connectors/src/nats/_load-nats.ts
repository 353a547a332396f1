import { DependencyMissingError } from "@synapseops/core";
import type { AckPolicy, connect, DeliverPolicy, nanos } from "nats";

/** The part of the `nats` module we use. */
export interface NatsModule {
  connect: typeof connect;
  nanos: typeof nanos;
  AckPolicy: typeof AckPolicy;
  DeliverPolicy: typeof DeliverPolicy;
}

let loaded: Promise<NatsModule> | undefined;

/**
 * Imports the optional `nats` peer on first use, so `@synapseops/connectors/nats` loads without
 * it; a missing package fails with what to install. A given importer (tests) is not cached.
 */
export function loadNats(importer?: () => Promise<unknown>): Promise<NatsModule> {
  if (importer !== undefined) return importNats(importer);
  loaded ??= importNats(() => import("nats")).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

function importNats(importer: () => Promise<unknown>): Promise<NatsModule> {
  return importer().then(
    (module) => {
      const candidate = module as Partial<NatsModule> & { default?: Partial<NatsModule> };
      return (typeof candidate.connect === "function" ? candidate : candidate.default) as NatsModule;
    },
    (error: unknown) => {
      throw new DependencyMissingError("nats", "the nats connector", { cause: error });
    },
  );
}

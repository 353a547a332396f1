import type { Authorize } from "./authorize";
import type { Connector } from "./connector";
import type { Logger } from "./logger";
import type { Store } from "./store/types";
import type { MappingSuggester } from "./suggester";

/** What the runtime's services share. */
export interface ServiceDeps {
  store: Store;
  logger: Logger;
  suggester: MappingSuggester;
  connectors: ReadonlyMap<string, Connector>;
  /** The actor recorded when an operation names none. */
  actor: string;
  clock: () => Date;
  /** The host's decision on design-time actions. @default allowAll */
  authorize?: Authorize;
}

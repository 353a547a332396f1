import { memoryStore, type Store } from "../src/index";

/** The stores the runtime tests run on: memory always, PostgreSQL when reachable. */
export function storeFactories(): { name: string; make: () => Promise<Store>; skip: string | false }[] {
  return [{ name: "memory", make: async () => memoryStore(), skip: false }];
}

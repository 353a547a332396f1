import type { Logger } from "../logger";
import type { ConnectionStatus } from "./connection";

/** What happened to a connection. Events carry ids, statuses and redacted errors — never a credential. */
export interface ConnectionEvent {
  type:
    | "connection.created"
    | "connection.reconnected"
    | "connection.refreshed"
    | "connection.broken"
    | "connection.revoked"
    | "connection.deleted"
    | "connection.reencrypted";
  connectionId: string;
  customerId: string;
  status: ConnectionStatus;
  at: string;
  /** Why, for `connection.broken`. */
  error?: { code: string; message: string };
}

/** Receives connection events; a throwing listener is logged and does not stop the others. */
export type ConnectionEventListener = (event: ConnectionEvent) => void;

/** An in-process fan-out of connection events. */
export interface ConnectionEvents {
  emit(event: ConnectionEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: ConnectionEventListener): () => void;
}

/** Connection events of one runtime, logged at info (ids only) and handed to subscribers. */
export function connectionEvents(logger: Logger): ConnectionEvents {
  const listeners = new Set<ConnectionEventListener>();
  return {
    emit(event) {
      logger.info({ event: event.type, connectionId: event.connectionId, status: event.status }, event.type);
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            "a connection event listener threw",
          );
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

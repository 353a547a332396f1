// Live updates: one EventSource on GET /events (server-sent events) for the signed-in session.
// Views say which blueprint they show; a message about it re-renders the view, so nothing polls.

let source;
let watcher;
let pending;

/** Opens the stream (again after a sign-in); the browser reconnects by itself after a drop. */
export function connectLive() {
  source?.close();
  source = new EventSource("/events");
  for (const type of ["run.created", "run.updated", "run.event", "deadLetter.created"]) {
    source.addEventListener(type, (message) => deliver(type, JSON.parse(message.data)));
  }
}

/** Stops the stream (at sign-out). */
export function disconnectLive() {
  source?.close();
  source = undefined;
}

/**
 * Calls `onChange` (at most every 150 ms) while the page stays at `hash`, when a message about
 * `blueprintId` arrives. One watcher at a time: the view on screen.
 */
export function watchBlueprint(blueprintId, hash, onChange) {
  watcher = { blueprintId, hash, onChange };
}

/** The same for a view of every blueprint (the runs list): any run created or changed. */
export function watchAll(hash, onChange) {
  watcher = { blueprintId: undefined, hash, onChange };
}

function deliver(type, data) {
  document.dispatchEvent(new CustomEvent("synapseops:live", { detail: { type, data } }));
  const current = watcher;
  if (current === undefined) return;
  if (current.blueprintId === undefined ? type === "run.event" : data.blueprintId !== current.blueprintId)
    return;
  if (location.hash !== current.hash) {
    watcher = undefined;
    return;
  }
  clearTimeout(pending);
  pending = setTimeout(() => {
    if (location.hash === current.hash) current.onChange();
  }, 150);
}

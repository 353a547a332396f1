/**
 * Renews a lease (a run's, a batch's) every third of its length, so a live worker keeps it and a
 * dead one's expires. `renew` resolves false when the lease was lost (then `onLost` is told); a
 * renewal that fails (the store unreachable) is tried again at the next beat, since the lease
 * outlives a few missed ones. Returns the function that stops the heartbeat.
 */
export function leaseHeartbeat(
  leaseMs: number,
  renew: () => Promise<unknown>,
  onLost: () => void = () => {},
): () => void {
  const timer = setInterval(
    () => {
      renew().then(
        (held) => {
          if (held === false) onLost();
        },
        () => {},
      );
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

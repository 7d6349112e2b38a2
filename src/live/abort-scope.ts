/**
 * A cancellation scope: aborts when any parent signal aborts or when its own
 * deadline passes, and says which. Hand-linked rather than AbortSignal.any
 * with AbortSignal.timeout: the parents (a pass's signal) outlive thousands of
 * requests, so each scope removes its listener and its timer when done
 * instead of leaving them to the garbage collector.
 */

export interface AbortScope {
  readonly signal: AbortSignal;
  /** True once the scope's own deadline passed (not a parent's abort, not `abort()`). */
  readonly expired: boolean;
  /** Starts the deadline now, if it has not started yet. */
  startDeadline(): void;
  /** Aborts the scope (e.g. to drop a response that grew too large). */
  abort(reason: Error): void;
  /** Removes the timer and the listeners on the parents; call it in `finally`. */
  dispose(): void;
}

/** `start: 'later'` leaves the deadline to `startDeadline()`; until then only the parents abort the scope. */
export function abortScope(
  parents: readonly (AbortSignal | undefined)[],
  deadlineMs: number,
  reason: () => Error,
  start: 'now' | 'later' = 'now',
): AbortScope {
  const controller = new AbortController();
  let expired = false;
  const linked = parents.filter((parent): parent is AbortSignal => parent !== undefined);
  const onParentAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  for (const parent of linked) {
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', onParentAbort, { once: true });
  }
  let timer: NodeJS.Timeout | undefined;
  const startDeadline = () => {
    if (timer !== undefined || controller.signal.aborted) return;
    timer = setTimeout(() => {
      expired = true;
      controller.abort(reason());
    }, deadlineMs);
  };
  if (start === 'now') startDeadline();
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    startDeadline,
    abort: (why) => controller.abort(why),
    dispose() {
      clearTimeout(timer);
      for (const parent of linked) parent.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Settles as `promise` does, or rejects with the signal's reason once it aborts (the promise itself runs on). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The AbortSignal a pass (or a one-shot `plan`/`apply`) runs under. Every
 * request made under it stops when it aborts (DatabricksHttp.withSignal),
 * and the executor starts no action after that. It aborts at the pass
 * deadline, when a shutdown's grace period is over, and when the pass ends:
 * a request or retry that a failed pass left running must not outlive it.
 */
import { setMaxListeners } from 'node:events';

/** Why a pass was cut short; its message is what the log, the status page and the command's error say. */
export class PassStoppedError extends Error {
  constructor(
    readonly code: 'PASS_TIMEOUT' | 'STOPPED',
    message: string,
  ) {
    super(message);
    this.name = 'PassStoppedError';
  }
}

export interface PassSignal {
  readonly signal: AbortSignal;
  /** Aborts now; the first reason wins. */
  abort(reason: PassStoppedError): void;
  /** Why it aborted (before `end`), for reports; undefined while the pass may go on. */
  stoppedBecause(): string | undefined;
  /** The pass is over: the deadline is cleared and whatever it left running is cancelled. */
  end(): void;
}

export function startPassSignal(options: { timeoutMs: number }): PassSignal {
  const controller = new AbortController();
  // Every request of the pass listens to it (the client and its queue), often more than the default ten at once.
  setMaxListeners(Infinity, controller.signal);
  let reason: PassStoppedError | undefined;
  const abort = (error: PassStoppedError) => {
    if (controller.signal.aborted) return;
    reason = error;
    controller.abort(error);
  };
  const deadline = setTimeout(
    () => abort(new PassStoppedError('PASS_TIMEOUT', `the pass did not finish within its deadline (--pass-timeout ${formatDuration(options.timeoutMs)}) and was aborted`)),
    options.timeoutMs,
  );
  // A deadline alone must not keep a process alive that has nothing else to do.
  deadline.unref();
  return {
    signal: controller.signal,
    abort,
    stoppedBecause: () => reason?.message,
    end() {
      clearTimeout(deadline);
      if (!controller.signal.aborted) controller.abort(new PassStoppedError('STOPPED', 'the pass had ended'));
    },
  };
}

/** 900000 -> `15m`, 2500 -> `2.5s`: the way durations are written on the command line. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Math.round(ms / 100) / 10}s`;
  return `${ms}ms`;
}

/** Whether `promise` settles within `ms` (a rejection counts as settled: the caller only waits, it does not judge). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a command writes to and listens to: the process's streams and
 * signals (cli.ts), or a test's. Its own module so that the commands (main.ts,
 * demo.ts) share it without importing each other.
 */
import type { Writable } from 'node:stream';
import type { RunHooks } from './run.js';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  isTty: boolean;
  /** Where log lines go instead of stderr (tests capture them). */
  logStream?: Writable;
  /**
   * Aborted on SIGTERM or SIGINT (cli.ts, with the signal's name as reason):
   * `run` and `demo` shut down gracefully, `plan` and `apply` stop early.
   */
  stop?: AbortSignal;
  /** `run` and `demo`: called once the controller serves (tests use it to find the port). */
  onStarted?: RunHooks['onStarted'];
}

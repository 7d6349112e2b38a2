#!/usr/bin/env node
// The `onboarder` executable (package.json "bin").
import { constants } from 'node:os';
import { main } from './main.js';

// The first SIGTERM/SIGINT stops the command gracefully (its name is the abort's reason, for the exit code);
// a second one exits at once.
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    stop.abort(signal);
    process.once(signal, () => process.exit(128 + constants.signals[signal]));
  });
}

const code = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  isTty: process.stdout.isTTY === true,
  stop: stop.signal,
});
process.exitCode = code;
// main has returned: its sockets are closed or destroyed. Should anything still hold the event loop
// (a stuck pass that was abandoned), exit anyway rather than outlive the shutdown; unref'd, this
// timer does not itself keep the process alive.
setTimeout(() => process.exit(code), 2_000).unref();

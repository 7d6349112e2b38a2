#!/usr/bin/env node
// The `onboarder` executable (package.json "bin").
import { main } from './main.js';

// `run` and `demo` shut down gracefully on either signal; a second one exits at once.
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    stop.abort();
    process.once(signal, () => process.exit(130));
  });
}

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  isTty: process.stdout.isTTY === true,
  stop: stop.signal,
});

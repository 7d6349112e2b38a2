#!/usr/bin/env node
// The `onboarder` executable (package.json "bin").
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  isTty: process.stdout.isTTY === true,
});

/**
 * System tools some tests need (promtool, kubectl, chromium, prometheus).
 * `npm test` must pass on a machine that has only Node, so a test whose tool
 * is absent is skipped with a notice saying how to install it; CI sets
 * ONBOARDER_REQUIRE_TOOLS=1 (`.ci/run` installs the tools), and then an
 * absent tool fails the test instead of hiding it.
 *
 *   it.skipIf(!requireTool('promtool', 'apt-get install prometheus'))('…', …)
 */
import { spawnSync } from 'node:child_process';

const found = new Map<string, boolean>();

/** Whether `command` is on PATH (the shell's own lookup, so aliases of PATH entries count too). */
export function toolOnPath(command: string): boolean {
  let onPath = found.get(command);
  if (onPath === undefined) {
    // The name is passed as "$1", never spliced into the script.
    onPath = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
    found.set(command, onPath);
  }
  return onPath;
}

/** Where `command` is on PATH (for a tool that must be given as a path, e.g. the browser playwright launches). */
export function toolPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/**
 * Whether to run a test that needs `command`. Absent: a notice naming the
 * tool and `installHint`, and `false` (skip); with ONBOARDER_REQUIRE_TOOLS=1
 * `true` instead, so the test runs and fails where it calls the tool.
 */
export function requireTool(command: string, installHint: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (toolOnPath(command)) return true;
  if (env.ONBOARDER_REQUIRE_TOOLS === '1') {
    console.error(`${command} is not on PATH but ONBOARDER_REQUIRE_TOOLS=1: the tests that need it fail. Install it: ${installHint}`);
    return true;
  }
  console.warn(`skipping the tests that need ${command}: it is not on PATH. Install it to run them: ${installHint}`);
  return false;
}

/** Install hints shared by the tests (Debian/Ubuntu package names; .ci/run installs the same). */
export const INSTALL_HINTS = {
  promtool: 'apt-get install prometheus (Debian/Ubuntu; the package ships promtool)',
  prometheus: 'apt-get install prometheus (Debian/Ubuntu)',
  chromium: 'apt-get install chromium (Debian; Ubuntu: a chromium or google-chrome build on PATH)',
  kubectl: 'a kubectl of 1.27 or newer (its `kubectl kustomize` is kustomize v5): https://kubernetes.io/docs/tasks/tools/',
} as const;

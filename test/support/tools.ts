/**
 * System tools some tests need (chromium, prometheus, promtool, kubectl):
 * where one is absent the test skips with a printed notice, so `npm test`
 * passes on a machine with only Node; with ONBOARDER_REQUIRE_TOOLS=1 (set
 * by CI, which installs them) an absent tool fails the test file instead,
 * so CI never skips silently.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export const REQUIRE_TOOLS_ENV = 'ONBOARDER_REQUIRE_TOOLS';

/** The executable `name` (an absolute path, or a name looked up on PATH), or undefined. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = path.isAbsolute(name) ? [name] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The tool's path when present. When absent: undefined and a notice on
 * stderr (skip the tests that need it), or, under ONBOARDER_REQUIRE_TOOLS=1,
 * an error that fails the file. `install` says how to get it.
 */
export function requireTool(name: string, install: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = findTool(name, env);
  if (found !== undefined) return found;
  const message = `${name} is not installed (${install})`;
  if (env[REQUIRE_TOOLS_ENV] === '1') throw new Error(`${message}, and ${REQUIRE_TOOLS_ENV}=1 requires it`);
  process.stderr.write(`NOTICE: ${message}: skipping the tests that need it; set ${REQUIRE_TOOLS_ENV}=1 to fail instead.\n`);
  return undefined;
}

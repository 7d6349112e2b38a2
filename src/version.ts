/**
 * onboarder's version: the one in package.json, which sits one level above
 * this module both in a checkout (src/) and in a build (dist/, the container
 * copies package.json beside it).
 */
import { readFileSync } from 'node:fs';

export function packageVersion(packageJson: URL = new URL('../package.json', import.meta.url)): string {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${packageJson.pathname} has no version`);
  return version;
}

/**
 * The bundled example (desired-state/) loaded as a DesiredState, for the
 * diff tests that start from it. Loaded once per test file (top-level await).
 */
import { fileURLToPath } from 'node:url';
import { loadDesiredState } from '../../src/desired/load.js';
import type { DesiredState } from '../../src/domain/desired.js';
import { formatIssue } from '../../src/domain/errors.js';

export const EXAMPLE_STATE_DIR = fileURLToPath(new URL('../../desired-state', import.meta.url));

export async function loadExampleState(): Promise<DesiredState> {
  const loaded = await loadDesiredState(EXAMPLE_STATE_DIR);
  if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  return loaded.state;
}

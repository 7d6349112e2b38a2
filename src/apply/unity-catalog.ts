/**
 * The Unity Catalog session the Unity Catalog kinds' handlers
 * (src/kinds/unity-catalog.ts) are handed: a client per home workspace, and
 * the wait for a principal to become visible to Unity Catalog.
 *
 * Grants to a principal created moments ago can fail with
 * PRINCIPAL_DOES_NOT_EXIST while identity propagates to Unity Catalog
 * (reference §4.5). That is retried with backoff within a bound and then
 * reported as "not yet visible", which differs from a principal the account
 * really lacks: the account is asked which of the two it is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../domain/errors.js';
import type { UnityCatalogOperation } from '../domain/plan.js';
import type { ApplyContext } from '../kinds/contract.js';
import { applyOperation } from '../kinds/registry.js';
import type { UnityCatalogSession, UnityCatalogWrites } from '../kinds/unity-catalog-session.js';

export type { UnityCatalogWrites } from '../kinds/unity-catalog-session.js';

export interface UnityCatalogSessionOptions {
  /** The client for a home workspace, by workspace name. */
  client(via: string): UnityCatalogWrites;
  /** Whether the account has a principal of this Unity Catalog name (group name, user name or application id). */
  principalExists(name: string): Promise<boolean>;
  /** How long a grant waits for a new principal to become visible to Unity Catalog. */
  visibilityTimeoutMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

/** A principal the account has but Unity Catalog cannot see yet; the next reconcile retries. */
export class PrincipalNotVisibleError extends Error {
  readonly code = 'PRINCIPAL_NOT_VISIBLE';
  constructor(readonly principal: string, waitedMs: number) {
    super(
      `${principal} exists in the account but is not yet visible to Unity Catalog after ${Math.round(waitedMs / 1000)} s ` +
        '(identity still propagating); the grant is retried on the next reconcile',
    );
    this.name = 'PrincipalNotVisibleError';
  }
}

export function createUnityCatalogSession(options: UnityCatalogSessionOptions): UnityCatalogSession {
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 60_000;

  const grantWhenVisible = async (write: () => Promise<void>, principals: readonly string[]) => {
    let waited = 0;
    // The account is asked once per principal: it does not change its answer between retries.
    const known = new Set<string>();
    for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof ApiError && error.errorCode === 'PRINCIPAL_DOES_NOT_EXIST')) throw error;
        const principal = missingPrincipal(error, principals);
        if (!known.has(principal) && !(await options.principalExists(principal))) {
          throw new Error(`principal ${principal} does not exist in the account (${error.message})`, { cause: error });
        }
        known.add(principal);
        if (waited + delay > visibilityTimeoutMs) throw new PrincipalNotVisibleError(principal, waited);
        await wait(delay);
        waited += delay;
      }
    }
  };
  return { client: (via) => options.client(via), grantWhenVisible };
}

/** Runs Unity Catalog operations alone (with the same handlers the executor uses), for callers that have no other family. */
export function createUnityCatalogRunner(options: UnityCatalogSessionOptions): (op: UnityCatalogOperation) => Promise<void> {
  const unityCatalog = createUnityCatalogSession(options);
  const noSession = () => {
    throw new Error('only Unity Catalog operations run here');
  };
  const context = { unityCatalog, get identity() { return noSession(); }, get workspaceAssets() { return noSession(); } } as ApplyContext;
  return (op) => applyOperation(op, context);
}

/** "Could not find principal with name X" names the principal; otherwise the first one granted to. */
function missingPrincipal(error: ApiError, candidates: readonly string[]): string {
  const named = /principal with name (.+?)\.?$/i.exec(error.details.apiMessage)?.[1];
  return named ?? candidates[0] ?? 'unknown principal';
}

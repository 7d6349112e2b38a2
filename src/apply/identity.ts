/**
 * The identity session the identity kinds' handlers (src/kinds/identity.ts)
 * are handed: the account and workspace clients, the ids of principals
 * (seeded from live state, grown by creates), and the wait for a principal
 * created moments ago to become visible in a workspace.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../domain/errors.js';
import type { LiveState } from '../domain/live.js';
import type { PrincipalHandle } from '../domain/plan.js';
import type { IdentityApi, IdentitySession } from '../kinds/identity-session.js';
import { handleKey, principalName } from '../kinds/identity-diff.js';

export type { IdentityApi, ScimKind } from '../kinds/identity-session.js';

export interface IdentitySessionOptions {
  /**
   * A principal created a moment ago may not be visible in a workspace yet:
   * how long to keep retrying a 404 from the workspace before giving up.
   */
  visibilityTimeoutMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

export function createIdentitySession(api: IdentityApi, live: LiveState, options: IdentitySessionOptions = {}): IdentitySession {
  const ids = new IdRegistry(live);
  const created = new Set<string>();
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;

  return {
    api,
    resolve: (handle) => {
      const id = handle.id ?? ids.get(handleKey(handle));
      if (!id) throw new Error(`${principalName(handle)} has no id yet (its create did not run)`);
      return id;
    },
    created: (handle, id) => {
      ids.set(handleKey(handle), id);
      created.add(handleKey(handle));
    },
    whenVisible: async (handle: PrincipalHandle, write: () => Promise<void>) => {
      const deadline = Date.now() + visibilityTimeoutMs;
      for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
        try {
          return await write();
        } catch (error) {
          const notVisible = error instanceof ApiError && error.status === 404 && created.has(handleKey(handle));
          if (!notVisible || Date.now() + delay > deadline) throw error;
          await wait(delay);
        }
      }
    },
  };
}

/** Name -> id of every principal, seeded from live state and grown by creates. */
class IdRegistry {
  private readonly ids = new Map<string, string>();
  constructor(live: LiveState) {
    for (const g of live.groups) this.ids.set(handleKey({ type: 'group', displayName: g.displayName }), g.id);
    for (const u of live.users) this.ids.set(handleKey({ type: 'user', userName: u.userName }), u.id);
    for (const sp of live.servicePrincipals) this.ids.set(handleKey({ type: 'servicePrincipal', displayName: sp.displayName }), sp.id);
  }
  get(key: string): string | undefined {
    return this.ids.get(key);
  }
  set(key: string, id: string): void {
    this.ids.set(key, id);
  }
}

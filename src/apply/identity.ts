/**
 * Carries out identity operations. Every write is idempotent: a create that
 * meets a conflict (or a timeout after which the object may exist) looks the
 * object up and adopts it, so a retry never makes a duplicate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../domain/errors.js';
import type { LiveState } from '../domain/live.js';
import { createOrAdopt } from './adopt.js';
import { unhandled, type IdentityOperation, type PrincipalHandle } from '../domain/plan.js';
import { handleKey, principalName } from '../plan/identity-diff.js';

export type ScimKind = 'group' | 'user' | 'servicePrincipal';

/** The writes (and the look-ups that make them idempotent) the identity runner needs. */
export interface IdentityApi {
  createGroup(displayName: string): Promise<{ id: string }>;
  findGroup(displayName: string): Promise<{ id: string } | null>;
  /** A group that is already gone counts as deleted. */
  deleteGroup(id: string): Promise<void>;
  createUser(user: { userName: string; displayName?: string }): Promise<{ id: string }>;
  findUser(userName: string): Promise<{ id: string } | null>;
  createServicePrincipal(sp: { displayName: string; applicationId?: string }): Promise<{ id: string; applicationId: string }>;
  findServicePrincipal(sp: { displayName: string; applicationId?: string }): Promise<{ id: string; applicationId: string } | null>;
  patchGroupMembers(groupId: string, change: { add: string[]; remove: string[] }): Promise<void>;
  assignWorkspace(workspaceId: string, principalId: string, permissions: string[]): Promise<void>;
  unassignWorkspace(workspaceId: string, principalId: string): Promise<void>;
  patchEntitlements(
    workspace: string,
    kind: ScimKind,
    principalId: string,
    change: { add: string[]; remove: string[] },
  ): Promise<void>;
}

export interface IdentityRunnerOptions {
  /**
   * A principal created a moment ago may not be visible in a workspace yet:
   * how long to keep retrying a 404 from the workspace before giving up.
   */
  visibilityTimeoutMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

export function createIdentityRunner(
  api: IdentityApi,
  live: LiveState,
  options: IdentityRunnerOptions = {},
): (op: IdentityOperation) => Promise<void> {
  const ids = new IdRegistry(live);
  const created = new Set<string>();
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;

  const resolve = (handle: PrincipalHandle): string => {
    const id = handle.id ?? ids.get(handleKey(handle));
    if (!id) throw new Error(`${principalName(handle)} has no id yet (its create did not run)`);
    return id;
  };

  /** Retries a workspace-side write while a just-created principal is not visible there yet. */
  const whenVisible = async (handle: PrincipalHandle, write: () => Promise<void>) => {
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
  };

  return async (op: IdentityOperation): Promise<void> => {
    switch (op.type) {
      case 'createGroup': {
        const { id } = (await createOrAdopt(() => api.createGroup(op.displayName), () => api.findGroup(op.displayName))).value;
        ids.set(handleKey({ type: 'group', displayName: op.displayName }), id);
        created.add(handleKey({ type: 'group', displayName: op.displayName }));
        return;
      }
      case 'createUser': {
        const user = { userName: op.userName, ...(op.displayName ? { displayName: op.displayName } : {}) };
        const { id } = (await createOrAdopt(() => api.createUser(user), () => api.findUser(op.userName))).value;
        ids.set(handleKey({ type: 'user', userName: op.userName }), id);
        created.add(handleKey({ type: 'user', userName: op.userName }));
        return;
      }
      case 'createServicePrincipal': {
        const sp = { displayName: op.displayName, ...(op.applicationId ? { applicationId: op.applicationId } : {}) };
        const { id } = (await createOrAdopt(() => api.createServicePrincipal(sp), () => api.findServicePrincipal(sp))).value;
        ids.set(handleKey({ type: 'servicePrincipal', displayName: op.displayName }), id);
        created.add(handleKey({ type: 'servicePrincipal', displayName: op.displayName }));
        return;
      }
      case 'deleteGroup':
        return api.deleteGroup(op.id);
      case 'assignWorkspace':
        return whenVisible(op.principal, () => api.assignWorkspace(op.workspaceId, resolve(op.principal), op.permissions));
      case 'unassignWorkspace':
        return api.unassignWorkspace(op.workspaceId, resolve(op.principal));
      case 'patchMembers':
        return api.patchGroupMembers(resolve(op.group), { add: op.add.map(resolve), remove: op.remove.map(resolve) });
      case 'patchEntitlements':
        return whenVisible(op.principal, () =>
          api.patchEntitlements(op.workspace, op.principal.type, resolve(op.principal), { add: op.add, remove: op.remove }),
        );
      default:
        return unhandled(op, 'operation');
    }
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

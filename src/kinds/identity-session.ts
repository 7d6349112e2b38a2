/**
 * How identity handlers reach account SCIM, workspace assignments and
 * workspace SCIM (src/apply/identity.ts builds it from the clients).
 */
import type { PrincipalHandle } from '../domain/plan.js';

export type ScimKind = 'group' | 'user' | 'servicePrincipal';

/** The writes (and the look-ups that make them idempotent) the identity handlers need. */
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

export interface IdentitySession {
  api: IdentityApi;
  /** The principal's id: the handle's, or the one its create returned during this apply; throws when there is none yet. */
  resolve(handle: PrincipalHandle): string;
  /** Records the id a create returned (or adopted), for the actions that follow it. */
  created(handle: PrincipalHandle, id: string): void;
  /** Retries a workspace-side write while a principal created moments ago is not visible there yet. */
  whenVisible(handle: PrincipalHandle, write: () => Promise<void>): Promise<void>;
}

/**
 * The identity kinds: persona groups, users, service principals, workspace
 * assignments, membership and entitlements. Their diff is kinds/identity-diff.ts
 * (one pass over the groups, since assignment, membership and entitlements
 * each wait for the others); their writes go to account SCIM, workspace
 * assignments and workspace SCIM.
 *
 * Only groups are owned: a principal outlives every roster (the account
 * user is never deleted), and assignments, membership and entitlements are
 * changes of a group or principal, not objects of their own.
 */
import { workspaceRef } from '../domain/desired.js';
import type { OwnedObject } from '../domain/inventory.js';
import { isProtectedGroup } from '../domain/identity.js';
import { createOrAdopt } from './adopt.js';
import type { FamilyReadScope, ReadScopeInput, ResourceKind } from './contract.js';

/**
 * What the identity family reads: every declared workspace (assignments and
 * entitlements), and the members of the persona groups (account groups,
 * users and service principals are listed whole).
 */
export function identityReads({ desired }: ReadScopeInput): FamilyReadScope['identity'] {
  return {
    workspaces: desired.workspaces.map((w) => workspaceRef(desired, w.name)),
    managedGroupNames: desired.groups.map((g) => g.displayName),
  };
}

export const groupKind: ResourceKind<'group', 'identity'> = {
  kind: 'group',
  family: 'identity',
  operations: {
    createGroup: {
      apply: async (op, session) => {
        const { id } = (await createOrAdopt(() => session.api.createGroup(op.displayName), () => session.api.findGroup(op.displayName))).value;
        session.created({ type: 'group', displayName: op.displayName }, id);
      },
      owns: (op) => ({ kind: 'group', name: op.displayName }),
    },
    deleteGroup: {
      apply: (op, session) => session.api.deleteGroup(op.id),
      owns: (op) => ({ kind: 'group', name: op.displayName }),
    },
  },
  ownership: {
    owned: 'group',
    listed: true,
    declared: (desired) => desired.groups.map((g): OwnedObject => ({ kind: 'group', name: g.displayName, customer: g.customer })),
    prune: (object, { live, protectedPatterns }) => {
      const group = live.groups.find((g) => g.displayName.toLowerCase() === object.name.toLowerCase());
      if (!group) return { outcome: 'absent' };
      // An identity provider's group is adopted, never deleted; a protected one is never touched.
      if (group.externalId !== undefined || isProtectedGroup(group.displayName, protectedPatterns)) return { outcome: 'release' };
      return { outcome: 'delete', target: group.displayName, before: { id: group.id }, op: { type: 'deleteGroup', id: group.id, displayName: group.displayName } };
    },
  },
};

export const userKind: ResourceKind<'user', 'identity'> = {
  kind: 'user',
  family: 'identity',
  operations: {
    createUser: {
      apply: async (op, session) => {
        const user = { userName: op.userName, ...(op.displayName ? { displayName: op.displayName } : {}) };
        const { id } = (await createOrAdopt(() => session.api.createUser(user), () => session.api.findUser(op.userName))).value;
        session.created({ type: 'user', userName: op.userName }, id);
      },
      owns: () => null,
    },
  },
  ownership: null,
};

export const servicePrincipalKind: ResourceKind<'service-principal', 'identity'> = {
  kind: 'service-principal',
  family: 'identity',
  operations: {
    createServicePrincipal: {
      apply: async (op, session) => {
        const sp = { displayName: op.displayName, ...(op.applicationId ? { applicationId: op.applicationId } : {}) };
        const { id } = (await createOrAdopt(() => session.api.createServicePrincipal(sp), () => session.api.findServicePrincipal(sp))).value;
        session.created({ type: 'servicePrincipal', displayName: op.displayName }, id);
      },
      owns: () => null,
    },
  },
  ownership: null,
};

export const workspaceAssignmentKind: ResourceKind<'workspace-assignment', 'identity'> = {
  kind: 'workspace-assignment',
  family: 'identity',
  operations: {
    assignWorkspace: {
      apply: (op, session) =>
        session.whenVisible(op.principal, () => session.api.assignWorkspace(op.workspaceId, session.resolve(op.principal), op.permissions)),
      owns: () => null,
    },
    unassignWorkspace: {
      apply: (op, session) => session.api.unassignWorkspace(op.workspaceId, session.resolve(op.principal)),
      owns: () => null,
    },
  },
  ownership: null,
};

export const membershipKind: ResourceKind<'membership', 'identity'> = {
  kind: 'membership',
  family: 'identity',
  operations: {
    patchMembers: {
      apply: (op, session) =>
        session.api.patchGroupMembers(session.resolve(op.group), { add: op.add.map(session.resolve), remove: op.remove.map(session.resolve) }),
      owns: () => null,
    },
  },
  ownership: null,
};

export const entitlementsKind: ResourceKind<'entitlements', 'identity'> = {
  kind: 'entitlements',
  family: 'identity',
  operations: {
    patchEntitlements: {
      apply: (op, session) =>
        session.whenVisible(op.principal, () =>
          session.api.patchEntitlements(op.workspace, op.principal.type, session.resolve(op.principal), { add: op.add, remove: op.remove }),
        ),
      owns: () => null,
    },
  },
  ownership: null,
};

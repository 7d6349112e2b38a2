/**
 * The last line of defence for protected groups (behaviour.md: never
 * modified, deleted or nested, their entitlements never touched). The
 * loader rejects every declaration that would touch one and each diff
 * leaves them out; this guard checks the finished plan once more and
 * refuses it whole if any action still names one, so a bug upstream fails
 * a pass instead of changing `admins`. Pure.
 */
import { isProtectedGroup } from '../domain/identity.js';
import type { Action, Operation, PrincipalHandle } from '../domain/plan.js';

export class ProtectedGroupError extends Error {
  readonly code = 'PROTECTED_GROUP_IN_PLAN';
  constructor(readonly offending: { action: string; groups: string[] }[]) {
    super(
      `refusing a plan that would touch a protected group: ${offending.map((o) => `${o.action} (${o.groups.join(', ')})`).join('; ')}`,
    );
    this.name = 'ProtectedGroupError';
  }
}

/** Every group name an operation would create, delete, change, nest, or grant to or take from. */
export function groupsTouched(op: Operation): string[] {
  const group = (handle: PrincipalHandle) => (handle.type === 'group' ? [handle.displayName] : []);
  switch (op.type) {
    case 'createGroup':
    case 'deleteGroup':
      return [op.displayName];
    case 'assignWorkspace':
    case 'unassignWorkspace':
    case 'patchEntitlements':
      return group(op.principal);
    case 'patchMembers':
      return [...group(op.group), ...op.add.flatMap(group), ...op.remove.flatMap(group)];
    case 'updateGrants':
      return op.changes.map((c) => c.principal);
    case 'setPermissions':
      return [...op.managed, ...op.entries.map((e) => e.group)];
    default:
      return [];
  }
}

export function assertNoProtectedTargets(actions: readonly Action[], patterns: readonly string[]): void {
  const offending = actions.flatMap((action) => {
    const groups = [...new Set(groupsTouched(action.op).filter((name) => isProtectedGroup(name, patterns)))];
    return groups.length > 0 ? [{ action: action.id, groups }] : [];
  });
  if (offending.length > 0) throw new ProtectedGroupError(offending);
}

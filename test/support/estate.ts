/**
 * Builders for small desired and live states, so diff tests read as the
 * situation they describe.
 */
import type { DesiredGroup, DesiredPrincipal, DesiredState, SourceLocation } from '../../src/domain/desired.js';
import { servicePrincipalKey, userKey, type Entitlement } from '../../src/domain/identity.js';
import { emptyUnityCatalog, type LiveState } from '../../src/domain/live.js';

export const here: SourceLocation = { file: 'test.yaml', line: 1, column: 1, path: [] };

export function desiredGroup(customer: string, persona: string, members: string[], overrides: Partial<DesiredGroup> = {}): DesiredGroup {
  return {
    displayName: `customer-${customer}-${persona}`,
    customer,
    persona,
    label: `${customer} ${persona}`,
    workspaces: ['prod'],
    entitlements: ['databricks-sql-access'],
    members: [...members].sort(),
    membership: 'authoritative',
    membershipExplicit: false,
    source: here,
    ...overrides,
  };
}

export function desiredUser(userName: string, customers: string[], entitlements: Entitlement[] = []): DesiredPrincipal {
  return { key: userKey(userName), type: 'user', userName, customers, entitlements: { prod: entitlements }, source: here };
}

export function desiredServicePrincipal(displayName: string, customers: string[]): DesiredPrincipal {
  return { key: servicePrincipalKey(displayName), type: 'servicePrincipal', displayName, customers, entitlements: { prod: [] }, source: here };
}

export function desiredState(groups: DesiredGroup[], principals: DesiredPrincipal[]): DesiredState {
  return {
    workspaces: [{ name: 'prod', workspaceId: '1001', protectedGroups: ['users', 'admins', 'users-clone-*'], source: here }],
    customers: [],
    groups,
    principals,
  };
}

export function emptyLive(): LiveState {
  return { groups: [], users: [], servicePrincipals: [], workspaces: [{ name: 'prod', workspaceId: '1001', assignments: [], entitlements: {} }], unityCatalog: emptyUnityCatalog(), assets: {} };
}

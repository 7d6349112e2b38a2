/**
 * Names that must stay unique across customers (one customer must never
 * manage another's group, catalog or warehouse), and principals that two
 * rosters describe in contradicting ways.
 */
import type { SourceLocation } from '../domain/desired.js';
import { issueAt, type DesiredStateIssue } from '../domain/errors.js';
import { servicePrincipalKey, userKey } from '../domain/identity.js';
import { describeLocation, type DocumentIndex, type ResolvedPersona } from './resolve.js';

interface Claim {
  customer: string;
  source: SourceLocation;
}

/**
 * Account groups, catalogs and external locations are unique regardless of
 * case on the service side; warehouses and policies are compared the same
 * way to stay on the safe side. Workspace paths are case-sensitive.
 */
class NameRegistry {
  private readonly claims = new Map<string, Claim>();
  readonly issues: DesiredStateIssue[] = [];

  claim(what: string, name: string, claim: Claim, caseSensitive = false): void {
    const key = `${what}\u0000${caseSensitive ? name : name.toLowerCase()}`;
    const first = this.claims.get(key);
    if (!first) {
      this.claims.set(key, claim);
      return;
    }
    const where = describeLocation(first.source);
    this.issues.push(
      first.customer === claim.customer
        ? issueAt(claim.source, 'DUPLICATE_NAME', `${what} "${name}" is declared twice in customer "${claim.customer}" (first at ${where})`)
        : issueAt(claim.source, 'NAME_COLLISION', `${what} "${name}" collides with customer "${first.customer}" (${where})`),
    );
  }
}

export function checkCollisions(
  index: DocumentIndex,
  personasByCustomer: ReadonlyMap<string, readonly ResolvedPersona[]>,
): DesiredStateIssue[] {
  const names = new NameRegistry();
  for (const customer of index.customers.values()) {
    const { spec, parsed } = customer;
    const claimAt = (path: (string | number)[], key = false): Claim => ({
      customer: customer.name,
      source: parsed.locate(path, { key }),
    });
    for (const persona of personasByCustomer.get(customer.name) ?? []) {
      names.claim('group', persona.group, { customer: customer.name, source: persona.groupSource });
    }
    if (spec.catalog) names.claim('catalog', spec.catalog.name, claimAt(['spec', 'catalog', 'name']));
    (spec.externalLocations ?? []).forEach((location, position) =>
      names.claim('external location', location.name, claimAt(['spec', 'externalLocations', position, 'name'])),
    );
    (spec.warehouses ?? []).forEach((warehouse, position) =>
      names.claim('warehouse', warehouse.name, claimAt(['spec', 'warehouses', position, 'name'])),
    );
    (spec.clusterPolicies ?? []).forEach((policy, position) =>
      names.claim('cluster policy', policy.name, claimAt(['spec', 'clusterPolicies', position, 'name'])),
    );
    (spec.notebooks ?? []).forEach((notebook, position) =>
      names.claim('notebook path', notebook.path, claimAt(['spec', 'notebooks', position, 'path']), true),
    );
  }
  return [...names.issues, ...checkPrincipalConsistency(index)];
}

/** A principal listed by several rosters must be the same principal in each. */
function checkPrincipalConsistency(index: DocumentIndex): DesiredStateIssue[] {
  const issues: DesiredStateIssue[] = [];
  const seen = new Map<string, { field: string; value: string; source: SourceLocation }>();
  const compare = (key: string, field: string, value: string | undefined, source: SourceLocation, label: string): void => {
    if (value === undefined) return;
    const seenKey = `${key}\u0000${field}`;
    const first = seen.get(seenKey);
    if (!first) {
      seen.set(seenKey, { field, value, source });
      return;
    }
    if (first.value !== value) {
      issues.push(
        issueAt(source, 'PRINCIPAL_CONFLICT', `${label} has ${field} "${value}" here but "${first.value}" at ${describeLocation(first.source)}`),
      );
    }
  };
  for (const roster of index.rosters.values()) {
    (roster.spec.users ?? []).forEach((user, position) => {
      const at = ['spec', 'users', position, 'displayName'];
      compare(userKey(user.userName), 'displayName', user.displayName, roster.parsed.locate(at), `user ${user.userName}`);
    });
    (roster.spec.servicePrincipals ?? []).forEach((principal, position) => {
      const at = ['spec', 'servicePrincipals', position, 'applicationId'];
      const label = `service principal "${principal.displayName}"`;
      const applicationId = principal.applicationId?.toLowerCase();
      compare(servicePrincipalKey(principal.displayName), 'applicationId', applicationId, roster.parsed.locate(at), label);
      // The same application under two display names would become two principals for one identity.
      if (applicationId !== undefined) {
        const nameAt = roster.parsed.locate(['spec', 'servicePrincipals', position, 'displayName']);
        compare(`app:${applicationId}`, 'displayName', principal.displayName, nameAt, `service principal ${applicationId}`);
      }
    });
  }
  return issues;
}

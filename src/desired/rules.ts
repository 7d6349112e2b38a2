/**
 * Cross-file rules: what the schema of one document cannot see. Each rule
 * adds located issues and never stops the others, so one revision reports
 * every problem at once.
 */
import type { DesiredStateIssue } from '../domain/errors.js';
import { untrustedReason, type HostPattern } from '../domain/host-trust.js';
import { checkCollisions } from './collisions.js';
import { checkCustomer } from './customer-rules.js';
import { rejectedKey, type ValidDocument } from './documents.js';
import { checkEntitlementList, checkPersonaFields, duplicateNames } from './field-rules.js';
import type { NotebookSources } from './notebook-source.js';
import { issueAtPath } from './parse.js';
import { resolvePersonas, type DocumentIndex, type ResolvedPersona } from './resolve.js';

export interface RuleInput {
  index: DocumentIndex;
  /** Notebook sources found under the root, by normalised relative path. */
  notebookSources: NotebookSources;
  /** See LoadOptions.trustedHosts. */
  trustedHosts?: readonly HostPattern[];
}

export function checkRules({ index, notebookSources, trustedHosts }: RuleInput): DesiredStateIssue[] {
  const issues: DesiredStateIssue[] = [];
  for (const workspace of index.workspaces.values()) {
    issues.push(...checkWorkspace(workspace));
    if (trustedHosts) issues.push(...checkWorkspaceHost(workspace, trustedHosts));
  }
  for (const template of index.templates.values()) {
    issues.push(...checkPersonaFields(template.parsed, ['spec'], template.spec));
  }
  const personasByCustomer = new Map<string, ResolvedPersona[]>();
  for (const customer of index.customers.values()) {
    const personas = resolvePersonas(customer, index);
    personasByCustomer.set(customer.name, personas);
    issues.push(...checkCustomer(customer, personas, index, notebookSources));
  }
  for (const roster of index.rosters.values()) issues.push(...checkRoster(roster, index));
  issues.push(...checkCollisions(index, personasByCustomer));
  return issues;
}

function checkWorkspace(workspace: ValidDocument<'Workspace'>): DesiredStateIssue[] {
  const written = workspace.parsed.scalarSource(['spec', 'workspaceId']) ?? String(workspace.spec.workspaceId);
  // Hex, octal, exponent or fractional forms parse as numbers too, but no real id is written that way.
  if (typeof workspace.spec.workspaceId === 'number' && !/^[0-9]+$/.test(written)) {
    return [issueAtPath(workspace.parsed, ['spec', 'workspaceId'], 'INVALID_VALUE', `must be a decimal integer, got ${written}`)];
  }
  return [];
}

/** The folder names a host but cannot make it trusted: that is the operator's configuration. */
function checkWorkspaceHost(workspace: ValidDocument<'Workspace'>, trustedHosts: readonly HostPattern[]): DesiredStateIssue[] {
  if (workspace.spec.host === undefined) return [];
  let url: URL;
  try {
    url = new URL(workspace.spec.host);
  } catch {
    return []; // the schema has reported it
  }
  const reason = untrustedReason(url, trustedHosts);
  return reason === undefined ? [] : [issueAtPath(workspace.parsed, ['spec', 'host'], 'UNTRUSTED_HOST', reason)];
}

function checkRoster(roster: ValidDocument<'Roster'>, index: DocumentIndex): DesiredStateIssue[] {
  const issues: DesiredStateIssue[] = [];
  const customer = index.customers.get(roster.name);
  if (!customer && !index.rejected.has(rejectedKey('Customer', roster.name))) {
    const message = `no Customer "${roster.name}" for this Roster (a Roster is named after its Customer)`;
    issues.push(issueAtPath(roster.parsed, ['metadata', 'name'], 'DANGLING_REFERENCE', message));
  }
  const personaNames = Object.keys(customer?.spec.personas ?? {});
  const declared = `customer "${roster.name}" declares: ${personaNames.join(', ') || 'none'}`;
  const entries = [
    ...(roster.spec.users ?? []).map((entry, position) => ({ at: ['spec', 'users', position], entry })),
    ...(roster.spec.servicePrincipals ?? []).map((entry, position) => ({ at: ['spec', 'servicePrincipals', position], entry })),
  ];
  for (const { at, entry } of entries) {
    entry.personas.forEach((persona, position) => {
      if (customer && !personaNames.includes(persona)) {
        issues.push(issueAtPath(roster.parsed, [...at, 'personas', position], 'DANGLING_REFERENCE', `unknown persona "${persona}" (${declared})`));
      }
    });
    if (entry.entitlements) issues.push(...checkEntitlementList(roster.parsed, [...at, 'entitlements'], entry.entitlements));
  }
  const userNames = (roster.spec.users ?? []).map((user) => user.userName.toLowerCase());
  issues.push(...duplicateNames(roster.parsed, ['spec', 'users'], userNames, 'user', 'userName'));
  const principalNames = (roster.spec.servicePrincipals ?? []).map((principal) => principal.displayName);
  issues.push(
    ...duplicateNames(roster.parsed, ['spec', 'servicePrincipals'], principalNames, 'service principal', 'displayName'),
  );
  return issues;
}

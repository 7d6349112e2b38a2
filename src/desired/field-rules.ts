/**
 * Checks shared by templates, inline personas and rosters: placeholders,
 * entitlement combinations, privileges per securable type, duplicates in a list.
 */
import type { DesiredStateIssue } from '../domain/errors.js';
import { issueAtPath, type DocumentPath, type ParsedDocument } from './parse.js';
import { placeholdersIn, PLACEHOLDERS } from './placeholders.js';
import { isPrivilegeValidOn, PRIVILEGES_BY_SECURABLE, withArticle } from './privileges.js';
import { describeLocation, securableOf } from './resolve.js';
import type { GrantSpec, PersonaTemplateSpec } from './schema.js';

/** Checks that need no customer: placeholders, entitlement combinations, privileges per securable. */
export function checkPersonaFields(document: ParsedDocument, at: DocumentPath, fields: PersonaTemplateSpec): DesiredStateIssue[] {
  const issues: DesiredStateIssue[] = [];
  const strings: [DocumentPath, string][] = [];
  if (fields.displayName !== undefined) strings.push([[...at, 'displayName'], fields.displayName]);
  (fields.grants ?? []).forEach((grant, position) => {
    const { key, written } = securableOf(grant);
    strings.push([[...at, 'grants', position, 'on', key], written]);
    issues.push(...checkPrivileges(document, [...at, 'grants', position, 'privileges'], grant));
  });
  for (const [stringPath, text] of strings) {
    const unknown = placeholdersIn(text).filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
    for (const name of unknown) {
      issues.push(issueAtPath(document, stringPath, 'PLACEHOLDER', `unknown placeholder \${${name}} (known: \${customer}, \${catalog})`));
    }
  }
  if (fields.entitlements) issues.push(...checkEntitlementList(document, [...at, 'entitlements'], fields.entitlements));
  return issues;
}

function checkPrivileges(document: ParsedDocument, at: DocumentPath, grant: GrantSpec): DesiredStateIssue[] {
  const { type } = securableOf(grant);
  return grant.privileges.flatMap((privilege, position) =>
    isPrivilegeValidOn(type, privilege) ? [] : [invalidPrivilege(document, [...at, position], privilege, type)],
  );
}

export function invalidPrivilege(
  document: ParsedDocument,
  at: DocumentPath,
  privilege: string,
  type: keyof typeof PRIVILEGES_BY_SECURABLE,
): DesiredStateIssue {
  const valid = PRIVILEGES_BY_SECURABLE[type].join(', ');
  return issueAtPath(document, at, 'INVALID_PRIVILEGE', `privilege ${privilege} is not valid on ${withArticle(type)} (valid: ${valid})`);
}

/** Consumer access is a UI of its own; the entitlement model forbids mixing it with the full UIs. */
export function checkEntitlementList(
  document: ParsedDocument,
  at: DocumentPath,
  entitlements: readonly string[],
): DesiredStateIssue[] {
  if (!entitlements.includes('workspace-consume')) return [];
  const mixed = entitlements.filter((name) => name === 'workspace-access' || name === 'databricks-sql-access');
  if (mixed.length === 0) return [];
  return [issueAtPath(document, at, 'ENTITLEMENT_CONFLICT', `workspace-consume (consumer access) cannot be combined with ${mixed.join(', ')}`)];
}

export function duplicateNames(
  document: ParsedDocument,
  listPath: DocumentPath,
  names: readonly string[],
  what: string,
  key = 'name',
): DesiredStateIssue[] {
  const firstAt = new Map<string, number>();
  const issues: DesiredStateIssue[] = [];
  names.forEach((name, position) => {
    const first = firstAt.get(name);
    if (first === undefined) {
      firstAt.set(name, position);
      return;
    }
    const where = describeLocation(document.locate([...listPath, first, key]));
    issues.push(issueAtPath(document, [...listPath, position, key], 'DUPLICATE_NAME', `duplicate ${what} "${name}": first listed at ${where}`));
  });
  return issues;
}

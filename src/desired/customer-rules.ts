/**
 * Rules about one Customer: its references (workspaces, templates, personas,
 * declared securables), protected groups, and the values the schema cannot
 * judge alone (cluster counts, auto-stop, tag counts once the customer's tags
 * are merged in, notebook sources and their import size).
 */
import { issueAt, type DesiredStateIssue } from '../domain/errors.js';
import type { IssueCode } from '../domain/issue-codes.js';
import { DEFAULT_PROTECTED_GROUPS, isProtectedGroup } from '../domain/identity.js';
import { rejectedKey, type ValidDocument } from './documents.js';
import { notebookSourcePath, type NotebookSources } from './notebook-source.js';
import { issueAtPath, type DocumentPath } from './parse.js';
import { substitute, usesCatalog } from './placeholders.js';
import { isPrivilegeValidOn, securableLabel } from './privileges.js';
import {
  describeLocation,
  placeholderValuesOf,
  type DocumentIndex,
  type ResolvedGrant,
  type ResolvedPersona,
} from './resolve.js';
import {
  base64ImportBytes,
  CLUSTER_CUSTOM_TAGS,
  NOTEBOOK_IMPORT_BASE64_BYTES,
  overLimitMessage,
  SQL_WAREHOUSE_TAGS,
  type ServiceLimit,
} from './service-limits.js';
import { checkPersonaFields, duplicateNames, invalidPrivilege } from './field-rules.js';

export function checkCustomer(
  customer: ValidDocument<'Customer'>,
  personas: readonly ResolvedPersona[],
  index: DocumentIndex,
  notebookSources: NotebookSources,
): DesiredStateIssue[] {
  const { spec, parsed } = customer;
  const issues: DesiredStateIssue[] = [];
  const report = (at: DocumentPath, code: IssueCode, message: string, key = false) =>
    issues.push(issueAtPath(parsed, at, code, message, key));
  const personaNames = new Set(personas.map((persona) => persona.name));
  const unknownPersona = (name: string) =>
    `unknown persona "${name}" (customer "${customer.name}" declares: ${[...personaNames].join(', ') || 'none'})`;

  spec.workspaces.forEach((workspace, position) => {
    if (!index.workspaces.has(workspace) && !index.rejected.has(rejectedKey('Workspace', workspace))) {
      report(['spec', 'workspaces', position], 'DANGLING_REFERENCE', `unknown Workspace "${workspace}"`);
    }
  });

  for (const [name, entry] of Object.entries(spec.personas ?? {})) {
    const entryPath = ['spec', 'personas', name];
    const template = entry.template;
    const known = (name: string) => index.templates.has(name) || index.rejected.has(rejectedKey('PersonaTemplate', name));
    if (template !== undefined && !known(template)) {
      report([...entryPath, 'template'], 'DANGLING_REFERENCE', `unknown PersonaTemplate "${template}"`);
    }
    issues.push(...checkPersonaFields(parsed, entryPath, entry));
  }

  // Groups are account-wide: what any Workspace protects, and the entitlement model's own groups, are protected everywhere.
  const protectedPatterns = [
    ...new Set([...DEFAULT_PROTECTED_GROUPS, ...[...index.workspaces.values()].flatMap((workspace) => workspace.spec.protectedGroups ?? [])]),
  ];
  for (const persona of personas) {
    // Entitlements, grants and members all go to the persona's group: checking the group covers all three.
    if (isProtectedGroup(persona.group, protectedPatterns)) {
      const message =
        `group "${persona.group}" of persona "${persona.name}" is a protected group (${protectedPatterns.join(', ')}): ` +
        'onboarder never sets its entitlements, grants or members';
      issues.push(issueAt(persona.groupSource, 'PROTECTED_GROUP', message));
    }
    issues.push(...checkPersonaGrants(customer, persona));
  }

  const catalog = spec.catalog;
  for (const workspace of Object.keys(catalog?.bindings ?? {})) {
    if (!spec.workspaces.includes(workspace)) {
      const message = `workspace "${workspace}" is not one of the customer's workspaces`;
      report(['spec', 'catalog', 'bindings', workspace], 'DANGLING_REFERENCE', message, true);
    }
  }
  // onboarder reaches an isolated catalog only through a workspace bound to it with write access.
  const writable = Object.entries(catalog?.bindings ?? {}).some(
    ([workspace, type]) => type === 'READ_WRITE' && spec.workspaces.includes(workspace),
  );
  if (catalog?.isolation === 'ISOLATED' && !writable) {
    const message =
      'an ISOLATED catalog must be bound READ_WRITE to at least one of the customer\'s workspaces, ' +
      'or nobody (onboarder included) could change it';
    report(['spec', 'catalog', catalog.bindings === undefined ? 'isolation' : 'bindings'], 'ISOLATION', message);
  }
  const schemaNames = (catalog?.schemas ?? []).map((schema) => schema.name);
  issues.push(...duplicateNames(parsed, ['spec', 'catalog', 'schemas'], schemaNames, 'schema'));

  (spec.externalLocations ?? []).forEach((location, position) => {
    for (const [persona, privileges] of Object.entries(location.grants ?? {})) {
      const grantPath = ['spec', 'externalLocations', position, 'grants', persona];
      if (!personaNames.has(persona)) report(grantPath, 'DANGLING_REFERENCE', unknownPersona(persona), true);
      privileges.forEach((privilege, at) => {
        if (!isPrivilegeValidOn('external_location', privilege)) {
          issues.push(invalidPrivilege(parsed, [...grantPath, at], privilege, 'external_location'));
        }
      });
    }
  });

  (spec.warehouses ?? []).forEach((warehouse, position) => {
    const at = ['spec', 'warehouses', position];
    const minClusters = warehouse.minClusters ?? 1;
    if (warehouse.maxClusters !== undefined && warehouse.maxClusters < minClusters) {
      report([...at, 'maxClusters'], 'INVALID_VALUE', `maxClusters (${warehouse.maxClusters}) must be at least minClusters (${minClusters})`);
    }
    const autoStop = warehouse.autoStopMins;
    if (autoStop !== undefined && autoStop > 0 && autoStop < 10) {
      report([...at, 'autoStopMins'], 'INVALID_VALUE', `must be 0 (never stop) or at least 10, got ${autoStop}`);
    }
    const own = Object.keys(warehouse.tags ?? {});
    issues.push(...checkTagCount(customer, `warehouse "${warehouse.name}"`, [...at, 'tags'], own, SQL_WAREHOUSE_TAGS));
  });

  (spec.clusterPolicies ?? []).forEach((policy, position) => {
    // Every cluster under the policy carries the tags it fixes: its own custom_tags.* and the customer's, forced in.
    const own = Object.keys(policy.definition).flatMap((key) => (key.startsWith('custom_tags.') ? [key.slice('custom_tags.'.length)] : []));
    const at = ['spec', 'clusterPolicies', position, 'definition'];
    issues.push(...checkTagCount(customer, `cluster policy "${policy.name}"`, at, own, CLUSTER_CUSTOM_TAGS));
  });

  (spec.notebooks ?? []).forEach((notebook, position) => {
    const at = ['spec', 'notebooks', position];
    const source = notebookSourcePath(notebook.source);
    const content = 'path' in source ? notebookSources.texts.get(source.path) : undefined;
    const problem = 'path' in source ? notebookSources.problems.get(source.path) : undefined;
    if ('error' in source) report([...at, 'source'], 'NOTEBOOK_SOURCE', source.error);
    else if (problem !== undefined) report([...at, 'source'], 'NOTEBOOK_SOURCE', `notebook source "${source.path}" ${problem}`);
    else if (content === undefined) {
      report([...at, 'source'], 'NOTEBOOK_SOURCE', `notebook source "${source.path}" not found under the desired-state root`);
    } else if (catalog === undefined && usesCatalog(content)) {
      report([...at, 'source'], 'CATALOG_REQUIRED', `"${source.path}" uses \${catalog} but customer "${customer.name}" declares no catalog`);
    } else {
      // Measured on what import sends: the substituted source, UTF-8, base64-encoded.
      const importBytes = base64ImportBytes(substitute(content, placeholderValuesOf(customer)));
      if (importBytes > NOTEBOOK_IMPORT_BASE64_BYTES.max) {
        const limit = overLimitMessage(NOTEBOOK_IMPORT_BASE64_BYTES, importBytes, 'bytes');
        report([...at, 'source'], 'SERVICE_LIMIT', `notebook source "${source.path}" is too large to import: its base64 encoding ${limit}`);
      }
    }
    for (const persona of Object.keys(notebook.levels ?? {})) {
      if (!personaNames.has(persona)) report([...at, 'levels', persona], 'DANGLING_REFERENCE', unknownPersona(persona), true);
    }
  });
  return issues;
}

/**
 * The custom tags an object ends up with are its own plus the customer's; over
 * the service's count, the issue points at the object's own tags when it has
 * some, else at the customer's.
 */
function checkTagCount(
  customer: ValidDocument<'Customer'>,
  object: string,
  ownTagsPath: DocumentPath,
  ownKeys: readonly string[],
  limit: ServiceLimit,
): DesiredStateIssue[] {
  const count = new Set([...Object.keys(customer.spec.tags ?? {}), ...ownKeys]).size;
  if (count <= limit.max) return [];
  const message = `${object} would carry its own and the customer's custom tags: ${overLimitMessage(limit, count, 'tags')}`;
  return [issueAtPath(customer.parsed, ownKeys.length > 0 ? ownTagsPath : ['spec', 'tags'], 'SERVICE_LIMIT', message)];
}

/** Grants may only name the customer's own catalog, its declared schemas and its declared locations. */
function checkPersonaGrants(customer: ValidDocument<'Customer'>, persona: ResolvedPersona): DesiredStateIssue[] {
  const { spec, parsed } = customer;
  const issues: DesiredStateIssue[] = [];
  const entryPath = ['spec', 'personas', persona.name];
  const hasCatalog = spec.catalog !== undefined;
  const fromTemplateOnCatalog = (grant: ResolvedGrant) => grant.template !== undefined && grant.type !== 'external_location';
  // A template written for customers with a catalog: one message per persona rather than one per grant.
  const templateCatalogGrant = persona.grants.find(fromTemplateOnCatalog);
  if (!hasCatalog && templateCatalogGrant) {
    const { template, source } = templateCatalogGrant;
    const message =
      `template "${template ?? ''}" grants on a catalog (${describeLocation(source)}) ` +
      `but customer "${customer.name}" declares no catalog`;
    issues.push(issueAtPath(parsed, [...entryPath, 'template'], 'CATALOG_REQUIRED', message));
  }
  if (!hasCatalog && usesCatalog(persona.label)) {
    const ownLabel = spec.personas?.[persona.name]?.displayName !== undefined;
    const message = `displayName uses \${catalog} but customer "${customer.name}" declares no catalog`;
    issues.push(issueAtPath(parsed, [...entryPath, ownLabel ? 'displayName' : 'template'], 'CATALOG_REQUIRED', message));
  }
  for (const grant of persona.grants) {
    if (hasCatalog || !fromTemplateOnCatalog(grant)) issues.push(...undeclaredSecurable(customer, persona, grant));
  }
  return issues;
}

function undeclaredSecurable(
  customer: ValidDocument<'Customer'>,
  persona: ResolvedPersona,
  grant: ResolvedGrant,
): DesiredStateIssue[] {
  const { spec, parsed } = customer;
  const catalogName = spec.catalog?.name;
  const declared =
    grant.type === 'catalog'
      ? grant.fullName === catalogName
      : grant.type === 'schema'
        ? (spec.catalog?.schemas ?? []).some((schema) => `${catalogName}.${schema.name}` === grant.fullName)
        : (spec.externalLocations ?? []).some((location) => location.name === grant.fullName);
  if (declared) return [];
  const what = `grant on ${securableLabel(grant.type)} "${grant.fullName}", which customer "${customer.name}" does not declare`;
  if (grant.template === undefined) return [issueAt(grant.source, 'UNDECLARED_SECURABLE', what)];
  const message = `template "${grant.template}" has a ${what} (${describeLocation(grant.source)})`;
  return [issueAtPath(parsed, ['spec', 'personas', persona.name, 'template'], 'UNDECLARED_SECURABLE', message)];
}

/**
 * The shape of one desired-state document per kind. Strict everywhere: an
 * unknown key is a typo until proven otherwise. No transforms and no
 * defaults: these schemas only accept or reject; defaults and normalisation
 * belong to the expansion, so the JSON Schema describes exactly what a file
 * may contain.
 */
import { z } from 'zod';
import { ENTITLEMENTS } from '../domain/identity.js';
import {
  CLUSTER_POLICY_NAME,
  characterCount,
  overLimitMessage,
  SQL_WAREHOUSE_NAME,
  UNITY_CATALOG_NAME,
  type ServiceLimit,
} from './service-limits.js';

export const API_VERSION = 'onboarder/v1';
export const KINDS = ['Workspace', 'PersonaTemplate', 'Customer', 'Roster'] as const;
export type Kind = (typeof KINDS)[number];

export const WAREHOUSE_SIZES = [
  '2X-Small',
  'X-Small',
  'Small',
  'Medium',
  'Large',
  'X-Large',
  '2X-Large',
  '3X-Large',
  '4X-Large',
  '5X-Large',
] as const;
/** IS_OWNER is left out: a warehouse has one owner, and that is the controller's principal. */
export const WAREHOUSE_LEVELS = ['CAN_VIEW', 'CAN_MONITOR', 'CAN_USE', 'CAN_MANAGE'] as const;
export const CLUSTER_POLICY_LEVELS = ['CAN_USE'] as const;
export const NOTEBOOK_LEVELS = ['CAN_READ', 'CAN_RUN', 'CAN_EDIT', 'CAN_MANAGE'] as const;
export const NOTEBOOK_LANGUAGES = ['PYTHON', 'SQL', 'SCALA', 'R'] as const;
export const POLICY_RULE_TYPES = ['fixed', 'forbidden', 'allowlist', 'blocklist', 'regex', 'range', 'unlimited'] as const;

const NAME_PATTERN = /^[a-z0-9-]+$/;
/** Unity Catalog stores names in lower case; allowing upper case here would show as drift forever. */
const UC_NAME_PATTERN = /^[a-z0-9_]+$/;
const PRIVILEGE_PATTERN = /^[A-Z]+(?:[_ ][A-Z]+)*$/;

/** A string no longer than a service limit, refused with a message naming the limit; editors see maxLength. */
function limited(text: z.ZodString, limit: ServiceLimit) {
  return text
    .refine((value) => characterCount(value) <= limit.max, {
      error: (issue) => overLimitMessage(limit, characterCount(String(issue.input))),
    })
    .meta({ maxLength: limit.max });
}

const objectName = z
  .string()
  .regex(NAME_PATTERN, { error: 'must be lower-case letters, digits and "-"' })
  .describe('Name: lower-case letters, digits and "-".');
const ucName = limited(z.string().regex(UC_NAME_PATTERN, { error: 'must be lower-case letters, digits and "_"' }), UNITY_CATALOG_NAME);
const nonEmpty = z.string().min(1, { error: 'must not be empty' });

const entitlement = z.enum(ENTITLEMENTS);
const entitlements = z.array(entitlement).describe('Workspace entitlements.');
const privilege = z
  .string()
  .regex(PRIVILEGE_PATTERN, { error: 'must be an upper-case privilege name such as USE_CATALOG or "USE CATALOG"' })
  .describe('A Unity Catalog privilege, e.g. USE_CATALOG or "USE CATALOG".');
const privileges = z.array(privilege).min(1, { error: 'must list at least one privilege' });
const tags = z.record(nonEmpty, z.string()).describe('Attribution tags (string values; quote numbers).');

const securable = z
  .strictObject({
    catalog: nonEmpty.optional(),
    schema: nonEmpty.optional().describe('Full name: <catalog>.<schema>.'),
    externalLocation: nonEmpty.optional(),
  })
  .refine((on) => Object.keys(on).length === 1, {
    error: 'must name exactly one of catalog, schema, externalLocation',
  })
  .meta({ minProperties: 1, maxProperties: 1 });

const grant = z.strictObject({ on: securable, privileges });

const personaFields = {
  displayName: z.string().optional().describe('Human label; ${customer} and ${catalog} are substituted.'),
  entitlements: entitlements.optional(),
  grants: z.array(grant).optional(),
  warehouses: z.enum(WAREHOUSE_LEVELS).nullable().optional().describe('Level on every warehouse of the customer.'),
  clusterPolicies: z
    .enum(CLUSTER_POLICY_LEVELS)
    .nullable()
    .optional()
    .describe('Level on every cluster policy of the customer.'),
  notebooks: z.enum(NOTEBOOK_LEVELS).nullable().optional().describe('Level on every notebook of the customer.'),
};

const DECIMAL_ID = 'must be a decimal integer (digits, quoted or not)';

export const workspaceSpec = z.strictObject({
  host: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  workspaceId: z
    .union([z.string().regex(/^[0-9]+$/, { error: DECIMAL_ID }), z.number().meta({ type: 'integer' })], { error: DECIMAL_ID })
    .describe('Numeric workspace id (decimal; kept as a string because real ids exceed 2^53).'),
  protectedGroups: z
    .array(nonEmpty)
    .optional()
    .describe('Groups never modified, nested or deleted; `*` is a wildcard. Default: users, admins, users-clone-*.'),
});

export const personaTemplateSpec = z.strictObject(personaFields);

const personaEntry = z.strictObject({
  template: objectName.optional().describe('PersonaTemplate name.'),
  group: nonEmpty.optional().describe('Group display name; default customer-<customer>-<persona>.'),
  ...personaFields,
});

const catalog = z.strictObject({
  name: ucName,
  comment: z.string().optional(),
  isolation: z.enum(['OPEN', 'ISOLATED']).optional().describe('Default OPEN.'),
  bindings: z.record(objectName, z.enum(['READ_WRITE', 'READ_ONLY'])).optional().describe('Workspace -> binding type.'),
  schemas: z.array(z.strictObject({ name: ucName, comment: z.string().optional() })).optional(),
});

const externalLocation = z.strictObject({
  name: ucName,
  url: z.string().regex(/^[a-z0-9]+:\/\/\S+$/, { error: 'must be a storage URL such as s3://bucket/path/' }),
  credential: nonEmpty.describe('An existing storage credential.'),
  readOnly: z.boolean().optional(),
  comment: z.string().optional(),
  grants: z.record(objectName, privileges).optional().describe('Persona -> privileges on this location.'),
});

const warehouse = z.strictObject({
  name: limited(nonEmpty, SQL_WAREHOUSE_NAME),
  size: z.enum(WAREHOUSE_SIZES),
  minClusters: z.int().min(1).max(30).optional().describe('Default 1.'),
  maxClusters: z.int().min(1).max(40).optional().describe('Default minClusters.'),
  autoStopMins: z.int().min(0).optional().describe('0 (never) or at least 10; default 120.'),
  serverless: z.boolean().optional().describe('Default false.'),
  tags: tags.optional(),
});

const policyRule = z.looseObject({ type: z.enum(POLICY_RULE_TYPES) });
const clusterPolicy = z.strictObject({
  name: limited(nonEmpty, CLUSTER_POLICY_NAME),
  definition: z.record(nonEmpty, policyRule).describe('Policy definition; the customer tags are forced in.'),
});

const WORKSPACE_PATH_EXAMPLE = 'must be an absolute workspace path such as /Workspace/x';

/**
 * Why the workspace API would refuse `path` (or resolve it somewhere other
 * than the plan says), or undefined: it must be absolute, and `.`, `..` and
 * empty segments would name another object than the one the inventory and
 * the diff key on. Control characters have no place in a path anyone types.
 */
export function workspacePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return WORKSPACE_PATH_EXAMPLE;
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(path);
  if (control) {
    const codePoint = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `${WORKSPACE_PATH_EXAMPLE}, without control characters (found U+${codePoint})`;
  }
  const segments = path.slice(1).split('/');
  const bad = segments.findIndex((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad === -1) return undefined;
  const what = segments[bad] === '' ? 'is empty' : `is "${segments[bad]}"`;
  return `${WORKSPACE_PATH_EXAMPLE}; segment ${bad + 1} ${what} (no empty, "." or ".." segments)`;
}

const workspacePath = z
  .string()
  .check((ctx) => {
    const problem = workspacePathProblem(ctx.value);
    if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  })
  .meta({ pattern: '^(?:/(?!\\.\\.?(?:/|$))[^/\\u0000-\\u001f\\u007f]+)+$' });

const notebook = z.strictObject({
  path: workspacePath,
  source: nonEmpty.describe('File relative to the desired-state root; ${customer} and ${catalog} are substituted.'),
  language: z.enum(NOTEBOOK_LANGUAGES),
  levels: z.record(objectName, z.enum(NOTEBOOK_LEVELS)).optional().describe('Persona -> level, overriding templates.'),
});

const mode = z.enum(['authoritative', 'additive']);

export const customerSpec = z.strictObject({
  displayName: nonEmpty.optional().describe('Default metadata.name; substituted for ${customer}.'),
  workspaces: z.array(objectName).min(1, { error: 'must list at least one workspace' }),
  tags: tags.optional(),
  membership: mode.optional().describe('Default authoritative.'),
  grants: mode.optional().describe('Default authoritative.'),
  personas: z.record(objectName, personaEntry).optional(),
  catalog: catalog.optional(),
  externalLocations: z.array(externalLocation).optional(),
  warehouses: z.array(warehouse).optional(),
  clusterPolicies: z.array(clusterPolicy).optional(),
  notebooks: z.array(notebook).optional(),
  offboard: z
    .boolean()
    .optional()
    .describe(
      'true: the customer is leaving. It declares nothing any more (its roster is ignored), and the next pass deletes everything ' +
        'onboarder owns of it (persona groups, catalog, locations, warehouses, policies, notebooks): the deletion guards let it through. ' +
        'Delete the Customer and Roster documents once a plan says nothing of it is left.',
    ),
});

const rosterPersonas = z.array(objectName).describe("Names of the customer's personas.");
export const rosterSpec = z.strictObject({
  users: z
    .array(
      z.strictObject({
        userName: z.string().regex(/^[^@\s]+@[^@\s]+$/, { error: 'must be an e-mail address' }),
        displayName: nonEmpty.optional(),
        personas: rosterPersonas,
        entitlements: entitlements.optional(),
      }),
    )
    .optional(),
  servicePrincipals: z
    .array(
      z.strictObject({
        displayName: nonEmpty,
        applicationId: z.uuid({ error: 'must be a UUID' }).optional(),
        personas: rosterPersonas,
        entitlements: entitlements.optional(),
      }),
    )
    .optional(),
});

export const metadata = z.strictObject({ name: objectName });

function documentOf<K extends Kind, S extends z.ZodType>(kind: K, spec: S, description: string) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal(kind),
      metadata,
      spec,
    })
    .describe(description);
}

export const documentSchemas = {
  Workspace: documentOf('Workspace', workspaceSpec, 'A Databricks workspace customers are onboarded onto.'),
  PersonaTemplate: documentOf('PersonaTemplate', personaTemplateSpec, 'A role shared by many customers.'),
  Customer: documentOf('Customer', customerSpec, 'A customer: personas, catalog, compute, notebooks.'),
  Roster: documentOf('Roster', rosterSpec, 'The people and robots of one customer (metadata.name = Customer).'),
} as const;

export const anyDocument = z.discriminatedUnion('kind', [
  documentSchemas.Workspace,
  documentSchemas.PersonaTemplate,
  documentSchemas.Customer,
  documentSchemas.Roster,
]);

export type WorkspaceSpec = z.infer<typeof workspaceSpec>;
export type PersonaTemplateSpec = z.infer<typeof personaTemplateSpec>;
export type PersonaEntry = z.infer<typeof personaEntry>;
export type CustomerSpec = z.infer<typeof customerSpec>;
export type RosterSpec = z.infer<typeof rosterSpec>;
export type GrantSpec = z.infer<typeof grant>;
export type SpecOf = {
  Workspace: WorkspaceSpec;
  PersonaTemplate: PersonaTemplateSpec;
  Customer: CustomerSpec;
  Roster: RosterSpec;
};

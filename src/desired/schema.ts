/**
 * The shape of one desired-state document per kind. Strict everywhere: an
 * unknown key is a typo until proven otherwise. No transforms and no
 * defaults: these schemas only accept or reject; defaults and normalisation
 * belong to the expansion, so the JSON Schema describes exactly what a file
 * may contain. Every property carries a description (and its default, as the
 * JSON Schema annotation `default`, where it is a constant): editors show them,
 * and docs/format-reference.md is generated from them (`npm run docs:format`).
 */
import { z } from 'zod';
import { DEFAULT_PROTECTED_GROUPS, ENTITLEMENTS } from '../domain/identity.js';
import { CLUSTER_POLICY_NAME, limited, SQL_WAREHOUSE_NAME, UNITY_CATALOG_NAME } from './service-limits.js';

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
    catalog: nonEmpty.optional().describe('Catalog name, e.g. "${catalog}".'),
    schema: nonEmpty.optional().describe('Full name: <catalog>.<schema>, e.g. "${catalog}.sales".'),
    externalLocation: nonEmpty.optional().describe('External location name (one the customer declares).'),
  })
  .refine((on) => Object.keys(on).length === 1, {
    error: 'must name exactly one of catalog, schema, externalLocation',
  })
  .meta({ minProperties: 1, maxProperties: 1 })
  .describe('The securable: exactly one of catalog, schema, externalLocation.');

const grant = z.strictObject({
  on: securable,
  privileges: privileges.describe('Privileges valid for that securable type; USE_CATALOG and "USE CATALOG" are the same.'),
});

/** `null` in a Customer's persona entry means "none", overriding the template's level; absent means "the template's". */
const NULL_LEVEL = 'null: none (in a Customer persona, overrides the template\'s level).';

const personaFields = {
  displayName: z
    .string()
    .optional()
    .describe(
      'Human label shown in plans (SCIM groups have no description); ${customer} and ${catalog} are substituted. ' +
        'Default: "<customer displayName> <persona name>".',
    ),
  entitlements: entitlements
    .optional()
    .describe("Entitlements of the persona group in each of the customer's workspaces (exactly these). Default none."),
  grants: z
    .array(grant)
    .optional()
    .describe("Unity Catalog grants to the persona group; ${catalog} is substituted in the securable's name."),
  warehouses: z
    .enum(WAREHOUSE_LEVELS)
    .nullable()
    .optional()
    .describe(`Level on every SQL warehouse of the customer. ${NULL_LEVEL}`),
  clusterPolicies: z
    .enum(CLUSTER_POLICY_LEVELS)
    .nullable()
    .optional()
    .describe(`Level on every cluster policy of the customer. ${NULL_LEVEL}`),
  notebooks: z.enum(NOTEBOOK_LEVELS).nullable().optional().describe(`Level on every notebook of the customer. ${NULL_LEVEL}`),
};

const DECIMAL_ID = 'must be a decimal integer (digits, quoted or not)';

export const workspaceSpec = z.strictObject({
  host: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional()
    .describe(
      'Workspace URL, e.g. https://dbc-1a2b3c4d-5e6f.cloud.databricks.com. Must be a trusted host (Databricks\' own domains, ' +
        'DATABRICKS_HOST, DATABRICKS_ACCOUNT_HOST or --allowed-hosts); http:// only for loopback. Default: DATABRICKS_HOST.',
    ),
  workspaceId: z
    .union([z.string().regex(/^[0-9]+$/, { error: DECIMAL_ID }), z.number().meta({ type: 'integer' })], { error: DECIMAL_ID })
    .describe(
      'Numeric workspace id (decimal; kept as a string because real ids exceed 2^53): the number after ' +
        '`?o=` in the workspace URL, or the account console\'s workspace list.',
    ),
  protectedGroups: z
    .array(nonEmpty)
    .optional()
    .meta({
      description:
        'Groups never modified, nested or deleted, in any workspace (groups are account-wide); `*` is a wildcard. ' +
        'users, admins and users-clone-* are protected whatever this says.',
      default: [...DEFAULT_PROTECTED_GROUPS],
    }),
});

export const personaTemplateSpec = z.strictObject(personaFields);

const personaEntry = z.strictObject({
  template: objectName.optional().describe('PersonaTemplate name; the fields below, when set, replace the template\'s (grants add to it).'),
  group: nonEmpty
    .optional()
    .describe('Account group display name; ${customer} and ${catalog} are substituted. Default: customer-<customer>-<persona>.'),
  ...personaFields,
});

/** Unity Catalog keeps a comment nobody declares: onboarder does not manage what the YAML leaves out. */
const ucComment = (what: string) => z.string().optional().describe(`Comment on the ${what}; when unset, the live comment is left alone.`);

const catalog = z
  .strictObject({
    name: ucName.describe('Catalog name: lower-case letters, digits and "_".'),
    comment: ucComment('catalog'),
    isolation: z
      .enum(['OPEN', 'ISOLATED'])
      .optional()
      .meta({
        description: "ISOLATED: only the bound workspaces see the catalog (then one of the customer's workspaces must be bound READ_WRITE).",
        default: 'OPEN',
      }),
    bindings: z
      .record(objectName, z.enum(['READ_WRITE', 'READ_ONLY']))
      .optional()
      .describe('Workspace name -> READ_WRITE or READ_ONLY: the workspaces bound to the catalog.'),
    schemas: z
      .array(
        z.strictObject({
          name: ucName.describe('Schema name: lower-case letters, digits and "_".'),
          comment: ucComment('schema'),
        }),
      )
      .optional()
      .describe('Schemas of the catalog (`default`, which Databricks creates, is left alone).'),
  })
  .describe("The customer's Unity Catalog catalog.");

const externalLocation = z.strictObject({
  name: ucName.describe('External location name: lower-case letters, digits and "_".'),
  url: z
    .string()
    .regex(/^[a-z0-9]+:\/\/\S+$/, { error: 'must be a storage URL such as s3://bucket/path/' })
    .describe('Storage URL on the workspace\'s cloud: s3:// (AWS), abfss:// (Azure) or gs:// (GCP); a trailing "/" does not matter.'),
  credential: nonEmpty.describe('An existing storage credential the home workspace can see (onboarder does not create credentials).'),
  readOnly: z.boolean().optional().meta({ description: 'Whether the location is read-only.', default: false }),
  comment: ucComment('external location'),
  grants: z.record(objectName, privileges).optional().describe('Persona -> privileges on this location.'),
});

const warehouse = z.strictObject({
  name: limited(nonEmpty, SQL_WAREHOUSE_NAME).describe('Warehouse name, unique per workspace; a warehouse of that name made by hand is adopted.'),
  size: z.enum(WAREHOUSE_SIZES).describe('Cluster size.'),
  minClusters: z.int().min(1).max(30).optional().meta({ description: 'Minimum number of clusters.', default: 1 }),
  maxClusters: z.int().min(1).max(40).optional().describe('Maximum number of clusters (at least minClusters). Default: minClusters.'),
  autoStopMins: z
    .int()
    .min(0)
    .optional()
    .meta({ description: 'Minutes idle before the warehouse stops: 0 (never) or at least 10.', default: 120 }),
  serverless: z.boolean().optional().meta({ description: 'Serverless compute (the warehouse type is always PRO).', default: false }),
  tags: tags.optional().describe('Warehouse tags, merged over the customer tags (its own win on a clash; string values, quote numbers).'),
});

const policyRule = z
  .looseObject({
    type: z.enum(POLICY_RULE_TYPES).describe('Rule type; the other keys (value, values, defaultValue, pattern, …) are the rule\'s, as the API takes them.'),
  })
  .describe('A policy rule.');
const clusterPolicy = z.strictObject({
  name: limited(nonEmpty, CLUSTER_POLICY_NAME).describe('Policy name, unique per workspace; a policy of that name made by hand is adopted.'),
  definition: z
    .record(nonEmpty, policyRule)
    .describe(
      'Policy definition, attribute -> rule (written as YAML; placeholders are not substituted). ' +
        'Every customer tag is forced in as custom_tags.<key>: {type: fixed}.',
    ),
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
  path: workspacePath.describe('Absolute workspace path, e.g. /Workspace/Customers/Acme/Getting Started; missing folders are created.'),
  source: nonEmpty.describe(
    'File relative to the desired-state root (at most 10 MiB once base64-encoded, UTF-8); ${customer} and ${catalog} are substituted.',
  ),
  language: z.enum(NOTEBOOK_LANGUAGES).describe('Notebook language.'),
  levels: z.record(objectName, z.enum(NOTEBOOK_LEVELS)).optional().describe('Persona -> level, overriding templates.'),
});

const mode = z.enum(['authoritative', 'additive']);

export const customerSpec = z.strictObject({
  displayName: nonEmpty.optional().describe('Human name, substituted for ${customer}. Default: metadata.name.'),
  workspaces: z
    .array(objectName)
    .min(1, { error: 'must list at least one workspace' })
    .describe(
      'Workspace names: the persona groups are assigned to each, and the warehouses, cluster policies and notebooks are made in each.',
    ),
  tags: tags
    .optional()
    .describe('Attribution tags, merged into warehouse tags and forced into cluster policies (string values; quote numbers).'),
  membership: mode.optional().meta({
    description: "authoritative: a persona group's members are exactly the roster's; additive: members are never removed.",
    default: 'authoritative',
  }),
  grants: mode.optional().meta({
    description: "authoritative: privileges on the customer's catalog, schemas and locations that nothing declares are revoked; additive: never revoke.",
    default: 'authoritative',
  }),
  personas: z
    .record(objectName, personaEntry)
    .optional()
    .describe('Persona name -> a PersonaTemplate and/or its fields written inline.'),
  catalog: catalog.optional(),
  externalLocations: z.array(externalLocation).optional().describe('Unity Catalog external locations of the customer.'),
  warehouses: z.array(warehouse).optional().describe("SQL warehouses, made in each of the customer's workspaces."),
  clusterPolicies: z.array(clusterPolicy).optional().describe("Cluster policies, made in each of the customer's workspaces."),
  notebooks: z.array(notebook).optional().describe("Template notebooks, imported into each of the customer's workspaces."),
  offboard: z
    .boolean()
    .optional()
    .describe(
      'true: the customer is leaving. It declares nothing any more (its roster is ignored), and the next pass deletes everything ' +
        'onboarder owns of it (persona groups, catalog, locations, warehouses, policies, notebooks): the deletion guards let it through. ' +
        'Delete the Customer and Roster documents once a plan says nothing of it is left.',
    ),
});

const rosterPersonas = z.array(objectName).describe("Names of the customer's personas: the principal joins their groups.");
const ownEntitlements = entitlements
  .optional()
  .describe("The principal's own entitlements in each of the customer's workspaces (exactly the union of its roster entries'). Default none.");
export const rosterSpec = z.strictObject({
  users: z
    .array(
      z.strictObject({
        userName: z
          .string()
          .regex(/^[^@\s]+@[^@\s]+$/, { error: 'must be an e-mail address' })
          .describe('E-mail address; compared case-insensitively.'),
        displayName: nonEmpty.optional().describe('Display name given to the user when onboarder creates it.'),
        personas: rosterPersonas,
        entitlements: ownEntitlements,
      }),
    )
    .optional()
    .describe('Users: created when missing from the account (or waiting, with --principals=external); never deleted.'),
  servicePrincipals: z
    .array(
      z.strictObject({
        displayName: nonEmpty.describe('Display name; identifies the service principal unless applicationId is given.'),
        applicationId: z
          .uuid({ error: 'must be a UUID' })
          .optional()
          .describe('Application id of an existing service principal (e.g. one managed in Entra ID), which identifies it.'),
        personas: rosterPersonas,
        entitlements: ownEntitlements,
      }),
    )
    .optional()
    .describe('Service principals: created when missing from the account; never deleted.'),
});

function documentOf<K extends Kind, S extends z.ZodType>(
  kind: K,
  spec: S,
  described: { document: string; name: string; spec: string },
) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION).describe(`Always ${API_VERSION}.`),
      kind: z.literal(kind).describe(`Always ${kind}.`),
      metadata: z
        .strictObject({ name: objectName.describe(`${described.name} Lower-case letters, digits and "-".`) })
        .describe('Identifies the document.'),
      spec: spec.describe(described.spec),
    })
    .describe(described.document);
}

export const documentSchemas = {
  Workspace: documentOf('Workspace', workspaceSpec, {
    document: 'A Databricks workspace customers are onboarded onto.',
    name: "The workspace's name in the folder, which Customers' workspaces and catalog bindings refer to.",
    spec: 'Where the workspace is and which groups onboarder must never touch.',
  }),
  PersonaTemplate: documentOf('PersonaTemplate', personaTemplateSpec, {
    document: 'A role shared by many customers.',
    name: "The template's name, which a Customer persona's template refers to.",
    spec: 'What a persona of this role may do; ${customer} and ${catalog} stand for the customer\'s display name and catalog.',
  }),
  Customer: documentOf('Customer', customerSpec, {
    document: 'A customer: personas, catalog, compute, notebooks.',
    name: "The customer's name: in its default group names (customer-<name>-<persona>) and its Roster's name.",
    spec: 'Everything onboarder creates and keeps for the customer.',
  }),
  Roster: documentOf('Roster', rosterSpec, {
    document: 'The people and robots of one customer (metadata.name = Customer).',
    name: 'The name of the Customer whose people these are.',
    spec: "The customer's users and service principals and their personas.",
  }),
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

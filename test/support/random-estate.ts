/**
 * Random desired-state folders for property tests: a few workspaces,
 * customers, personas (from templates or inline) and rosters drawn from a
 * shared pool of people, so principals often belong to several customers.
 *
 * Some customers also get Unity Catalog objects: a catalog (isolation,
 * bindings, schemas), an external location, and persona grants on them.
 * `customers` says what each estate asks for in Unity Catalog, so a test can
 * seed drift on exactly those objects and check what apply left behind.
 */
import fc from 'fast-check';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ENTITLEMENT_SETS = [
  [],
  ['workspace-access'],
  ['databricks-sql-access'],
  ['workspace-access', 'databricks-sql-access'],
  ['workspace-consume'],
  ['allow-cluster-create', 'workspace-access'],
];
const PEOPLE = ['ana', 'bo', 'cy', 'di', 'ed', 'flo', 'gus', 'hal'].map((n) => `${n}@example.com`);
const ROBOTS = ['etl-robot', 'ml-robot'];
export const RANDOM_WORKSPACES = [
  { name: 'prod', id: '1234567890123456' },
  // Above 2^53, so every hop (YAML, client, simulator) must carry it as an int64.
  { name: 'dev', id: '9007199254740993' },
];
/** The storage credentials the random external locations name; the account must hold them. */
export const RANDOM_CREDENTIALS = ['cred-a', 'cred-b'];

const TEMPLATES = ['analysts', 'engineers', 'viewers'] as const;
const SCHEMA_NAMES = ['default', 'raw', 'curated', 'sales', 'ml'];
const CATALOG_PRIVILEGES = ['USE_CATALOG', 'USE CATALOG', 'BROWSE', 'CREATE_SCHEMA', 'SELECT', 'USE_SCHEMA'];
const SCHEMA_PRIVILEGES = ['USE_SCHEMA', 'SELECT', 'MODIFY', 'CREATE_TABLE'];
const LOCATION_PRIVILEGES = ['READ_FILES', 'WRITE_FILES', 'CREATE_EXTERNAL_TABLE'];

type BindingType = 'READ_WRITE' | 'READ_ONLY';
export type GrantMode = 'authoritative' | 'additive';

/** What one customer asks of Unity Catalog, in the terms the simulator's state uses. */
export interface RandomCustomer {
  name: string;
  /** The workspace Unity Catalog calls go through (`homeWorkspace` in src/domain/desired.ts). */
  homeWorkspaceId: string;
  grants: GrantMode;
  /** Persona groups, by persona name. */
  groups: Record<string, string>;
  catalog?: {
    name: string;
    isolation: 'OPEN' | 'ISOLATED';
    comment?: string;
    /** Workspace id -> binding type. */
    bindings: Record<string, BindingType>;
    schemas: { name: string; comment?: string }[];
  };
  location?: { name: string; url: string; credential: string; readOnly: boolean; comment?: string };
  /** `<securable type>/<full name>` of every securable the customer manages -> group -> privileges (normalised, sorted). */
  grantsOn: Record<string, Record<string, string[]>>;
}

export interface RandomEstate {
  files: Record<string, string>;
  customers: RandomCustomer[];
}

const entitlements = fc.constantFrom(...ENTITLEMENT_SETS);
const privilegesOf = (pool: readonly string[]) => fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** A persona's grants on whatever its customer declares; schemas by position in the catalog. */
const personaGrants = fc.record({
  catalog: maybe(privilegesOf(CATALOG_PRIVILEGES)),
  schemas: fc.array(maybe(privilegesOf(SCHEMA_PRIVILEGES)), { minLength: 4, maxLength: 4 }),
  location: maybe(privilegesOf(LOCATION_PRIVILEGES)),
});

const catalog = fc.record({
  isolation: fc.constantFrom('OPEN', 'ISOLATED', undefined),
  // '' equals an absent comment on the service.
  comment: fc.constantFrom(undefined, 'Customer data', ''),
  /** Per RANDOM_WORKSPACES entry; only the customer's own workspaces are used. */
  bindings: fc.array(fc.constantFrom(undefined, 'READ_WRITE', 'READ_ONLY'), { minLength: 2, maxLength: 2 }),
  /** Which workspace an ISOLATED catalog without a READ_WRITE binding gets one on (the loader demands one). */
  writable: fc.nat(),
  schemas: fc.uniqueArray(fc.record({ name: fc.constantFrom(...SCHEMA_NAMES), comment: fc.constantFrom(undefined, 'Curated by hand') }), {
    selector: (s) => s.name,
    maxLength: 4,
  }),
});

const location = fc.record({
  credential: fc.constantFrom(...RANDOM_CREDENTIALS),
  readOnly: fc.constantFrom(undefined, true, false),
  comment: fc.constantFrom(undefined, 'Landing files'),
  trailingSlash: fc.boolean(),
  /** Grants in the location's own `grants` map, or as persona grants `on: { externalLocation }`. */
  grantsOnLocation: fc.boolean(),
});

const customer = fc.record({
  workspaces: fc.subarray(RANDOM_WORKSPACES.map((w) => w.name), { minLength: 1 }),
  personas: fc.uniqueArray(fc.constantFrom(...TEMPLATES), { minLength: 1, maxLength: 3 }),
  inline: fc.boolean(),
  inlineEntitlements: entitlements,
  membership: fc.constantFrom('authoritative', 'additive', undefined),
  users: fc.uniqueArray(fc.record({ who: fc.constantFrom(...PEOPLE), pick: fc.nat(7), own: entitlements }), {
    selector: (u) => u.who,
    maxLength: 5,
  }),
  robots: fc.uniqueArray(fc.record({ who: fc.constantFrom(...ROBOTS), pick: fc.nat(7) }), { selector: (r) => r.who, maxLength: 2 }),
  grants: fc.constantFrom<GrantMode | undefined>('authoritative', 'additive', undefined),
  catalog: maybe(catalog),
  location: fc.option(location, { nil: undefined, freq: 3 }),
  personaGrants: fc.record({ analysts: personaGrants, engineers: personaGrants, viewers: personaGrants, auditors: personaGrants }),
});

export const randomEstate: fc.Arbitrary<RandomEstate> = fc
  .record({
    templates: fc.record({ analysts: entitlements, engineers: entitlements, viewers: entitlements }),
    /** Catalog grants in the template itself, used only when every customer of the template declares a catalog. */
    templateGrants: fc.record({
      analysts: maybe(privilegesOf(CATALOG_PRIVILEGES)),
      engineers: maybe(privilegesOf(CATALOG_PRIVILEGES)),
      viewers: maybe(privilegesOf(CATALOG_PRIVILEGES)),
    }),
    customers: fc.array(customer, { minLength: 1, maxLength: 3 }),
  })
  .map(({ templates, templateGrants, customers }) => {
    const files: Record<string, string> = {};
    const doc = (kind: string, name: string, spec: unknown) =>
      JSON.stringify({ apiVersion: 'onboarder/v1', kind, metadata: { name }, spec }, null, 2);
    files['workspaces.yaml'] = RANDOM_WORKSPACES.map((w) => doc('Workspace', w.name, { workspaceId: w.id })).join('\n---\n');
    const grantingTemplates = TEMPLATES.filter(
      (template) => templateGrants[template] !== undefined && customers.every((c) => !c.personas.includes(template) || c.catalog !== undefined),
    );
    files['personas.yaml'] = TEMPLATES.map((name) => {
      const spec: Record<string, unknown> = { displayName: `\${customer} ${name}`, entitlements: templates[name] };
      if (grantingTemplates.includes(name)) spec.grants = [{ on: { catalog: '${catalog}' }, privileges: templateGrants[name] }];
      return doc('PersonaTemplate', name, spec);
    }).join('\n---\n');

    const described = customers.map((c, index) => {
      const name = `c${index}`;
      const { spec, model, personaNames } = customerSpec(c, name, (persona) =>
        isTemplate(persona) && grantingTemplates.includes(persona) ? templateGrants[persona] : undefined,
      );
      const choose = (pick: number) => [personaNames[pick % personaNames.length]!];
      files[`customers/${name}.yaml`] = [
        doc('Customer', name, { displayName: `Customer ${index}`, ...spec }),
        doc('Roster', name, {
          users: c.users.map((u) => ({ userName: u.who, personas: choose(u.pick), ...(u.own.length ? { entitlements: u.own } : {}) })),
          servicePrincipals: c.robots.map((r) => ({ displayName: r.who, personas: choose(r.pick) })),
        }),
      ].join('\n---\n');
      return model;
    });
    return { files, customers: described };
  });

type CustomerDraw = typeof customer extends fc.Arbitrary<infer T> ? T : never;
type Persona = (typeof TEMPLATES)[number] | 'auditors';
type GrantSpec = { on: { catalog: string } | { schema: string } | { externalLocation: string }; privileges: string[] };

const isTemplate = (persona: Persona): persona is (typeof TEMPLATES)[number] => persona !== 'auditors';

/** The Customer spec (less its display name) and what it asks of Unity Catalog, grants included. */
function customerSpec(
  c: CustomerDraw,
  name: string,
  templateGrants: (persona: Persona) => readonly string[] | undefined,
): { spec: Record<string, unknown>; model: RandomCustomer; personaNames: Persona[] } {
  const model = unityCatalogOf(c, name);
  const { catalog, location } = model;
  const grant = (key: string, persona: Persona, privileges: readonly string[]) => {
    const group = model.groups[persona]!;
    const held = (model.grantsOn[key] ??= {});
    held[group] = [...new Set([...(held[group] ?? []), ...privileges.map(normalisePrivilege)])].sort();
  };

  const personaNames: Persona[] = [...c.personas, ...(c.inline ? (['auditors'] as const) : [])];
  const personas: Record<string, Record<string, unknown>> = {};
  const locationGrants: Record<string, string[]> = {};
  for (const persona of personaNames) {
    model.groups[persona] = `customer-${name}-${persona}`;
    personas[persona] = isTemplate(persona) ? { template: persona } : { entitlements: c.inlineEntitlements };
    const wanted = c.personaGrants[persona];
    const inline: GrantSpec[] = [];
    const fromTemplate = templateGrants(persona);
    if (catalog && fromTemplate) grant(`catalog/${catalog.name}`, persona, fromTemplate);
    if (catalog && wanted.catalog) {
      inline.push({ on: { catalog: catalog.name }, privileges: wanted.catalog });
      grant(`catalog/${catalog.name}`, persona, wanted.catalog);
    }
    catalog?.schemas.forEach((schema, position) => {
      const privileges = wanted.schemas[position];
      if (!privileges) return;
      inline.push({ on: { schema: `${catalog.name}.${schema.name}` }, privileges });
      grant(`schema/${catalog.name}.${schema.name}`, persona, privileges);
    });
    if (location && wanted.location) {
      if (c.location?.grantsOnLocation) locationGrants[persona] = wanted.location;
      else inline.push({ on: { externalLocation: location.name }, privileges: wanted.location });
      grant(`external_location/${location.name}`, persona, wanted.location);
    }
    if (inline.length > 0) personas[persona].grants = inline;
  }

  const spec: Record<string, unknown> = { workspaces: c.workspaces, personas };
  if (c.membership) spec.membership = c.membership;
  if (c.grants) spec.grants = c.grants;
  if (catalog && c.catalog) spec.catalog = catalogSpec(catalog, c.catalog.isolation !== undefined);
  if (location && c.location) {
    spec.externalLocations = [
      {
        name: location.name,
        url: `${location.url}${c.location.trailingSlash ? '/' : ''}`,
        credential: location.credential,
        ...(c.location.readOnly === undefined ? {} : { readOnly: location.readOnly }),
        ...(location.comment === undefined ? {} : { comment: location.comment }),
        ...(Object.keys(locationGrants).length > 0 ? { grants: locationGrants } : {}),
      },
    ];
  }
  return { spec, model, personaNames };
}

/** The Unity Catalog part of one customer, before grants are filled in. */
function unityCatalogOf(c: CustomerDraw, name: string): RandomCustomer {
  // The loader sorts a customer's workspaces; the home workspace is the first READ_WRITE one, else the first.
  const workspaces = [...c.workspaces].sort();
  const idOf = (workspace: string) => RANDOM_WORKSPACES.find((w) => w.name === workspace)!.id;
  const model: RandomCustomer = { name, homeWorkspaceId: idOf(workspaces[0]!), grants: c.grants ?? 'authoritative', groups: {}, grantsOn: {} };
  if (c.catalog) {
    const bindings: Record<string, BindingType> = {};
    RANDOM_WORKSPACES.forEach((workspace, position) => {
      const type = c.catalog!.bindings[position];
      if (type && workspaces.includes(workspace.name)) bindings[workspace.name] = type;
    });
    const isolation = c.catalog.isolation ?? 'OPEN';
    if (isolation === 'ISOLATED' && !Object.values(bindings).includes('READ_WRITE')) {
      bindings[workspaces[c.catalog.writable % workspaces.length]!] = 'READ_WRITE';
    }
    const home = workspaces.find((w) => bindings[w] === 'READ_WRITE') ?? workspaces[0]!;
    model.homeWorkspaceId = idOf(home);
    model.catalog = {
      name: `customer_${name}`,
      isolation,
      bindings: Object.fromEntries(Object.entries(bindings).map(([workspace, type]) => [idOf(workspace), type])),
      schemas: c.catalog.schemas.map((s) => (s.comment === undefined ? { name: s.name } : { name: s.name, comment: s.comment })),
      ...(c.catalog.comment === undefined ? {} : { comment: c.catalog.comment }),
    };
    model.grantsOn[`catalog/${model.catalog.name}`] = {};
    for (const schema of model.catalog.schemas) model.grantsOn[`schema/${model.catalog.name}.${schema.name}`] = {};
  }
  if (c.location) {
    model.location = {
      name: `customer_${name}_files`,
      // One bucket per customer: locations may not overlap.
      url: `s3://bucket-${name}/data`,
      credential: c.location.credential,
      readOnly: c.location.readOnly ?? false,
      ...(c.location.comment === undefined ? {} : { comment: c.location.comment }),
    };
    model.grantsOn[`external_location/${model.location.name}`] = {};
  }
  return model;
}

/** `isolation` is left out unless drawn: OPEN is the default. */
function catalogSpec(catalog: NonNullable<RandomCustomer['catalog']>, explicitIsolation: boolean): Record<string, unknown> {
  const nameOf = (workspaceId: string) => RANDOM_WORKSPACES.find((w) => w.id === workspaceId)!.name;
  const spec: Record<string, unknown> = { name: catalog.name };
  if (catalog.comment !== undefined) spec.comment = catalog.comment;
  if (explicitIsolation) spec.isolation = catalog.isolation;
  if (Object.keys(catalog.bindings).length > 0) {
    spec.bindings = Object.fromEntries(Object.entries(catalog.bindings).map(([id, type]) => [nameOf(id), type]));
  }
  if (catalog.schemas.length > 0) spec.schemas = catalog.schemas;
  return spec;
}

/** As the loader does: "USE CATALOG" is USE_CATALOG. */
function normalisePrivilege(privilege: string): string {
  return privilege.replace(/ /g, '_');
}

export async function writeEstate(files: Record<string, string>, root?: string): Promise<string> {
  const dir = root ?? (await mkdtemp(path.join(tmpdir(), 'onboarder-estate-')));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

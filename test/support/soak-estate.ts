/**
 * A desired state that changes one small step at a time, for the soak test:
 * customers gain and lose personas, people, schemas, warehouses, policies,
 * notebooks and external locations, and new customers arrive. Customers are
 * never removed (a whole customer leaving is the deletion guard's business,
 * tested in test/e2e/pruning.test.ts). Seeded, so a failing run repeats.
 */
export const SOAK_WORKSPACE = { name: 'prod', id: '1234567890123456' };
export const SOAK_CREDENTIAL = 'soak-credential';

const PERSONAS = ['analysts', 'engineers', 'viewers'] as const;
const PEOPLE = ['ana', 'bo', 'cy', 'di', 'ed', 'flo'].map((n) => `${n}@example.com`);
const SCHEMAS = ['raw', 'curated', 'sales', 'ml'];
const SIZES = ['Small', 'Medium'];
const MAX_CUSTOMERS = 4;

type Persona = (typeof PERSONAS)[number];

export interface SoakCustomer {
  name: string;
  personas: Persona[];
  /** userName -> persona */
  users: Record<string, Persona>;
  schemas: string[];
  warehouse?: { size: string; service: string };
  policy?: { autoterminationMinutes: number };
  notebook?: { version: number };
  location: boolean;
}

export interface SoakEstate {
  customers: SoakCustomer[];
}

/** mulberry32: a small seeded generator in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function initialSoakEstate(): SoakEstate {
  return { customers: [newCustomer('c0'), newCustomer('c1')] };
}

function newCustomer(name: string): SoakCustomer {
  return { name, personas: ['analysts', 'engineers'], users: { [PEOPLE[0]!]: 'analysts' }, schemas: ['raw'], location: false };
}

const toggle = <T>(list: readonly T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

/** One random change; answers what it did, for the failure message. */
export function mutateSoakEstate(estate: SoakEstate, random: () => number): { estate: SoakEstate; change: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const customers = estate.customers.map((c) => ({ ...c, users: { ...c.users } }));
  if (customers.length < MAX_CUSTOMERS && random() < 0.04) {
    const name = `c${customers.length}`;
    return { estate: { customers: [...customers, newCustomer(name)] }, change: `add customer ${name}` };
  }
  const customer = pick(customers);
  const kind = pick(['persona', 'user', 'user', 'schema', 'warehouse', 'policy', 'notebook', 'location'] as const);
  let change: string;
  switch (kind) {
    case 'persona': {
      const persona = pick(PERSONAS);
      if (customer.personas.includes(persona) && customer.personas.length === 1) return mutateSoakEstate(estate, random);
      customer.personas = toggle(customer.personas, persona);
      // Nobody may keep a persona the customer no longer has.
      for (const [user, held] of Object.entries(customer.users)) if (!customer.personas.includes(held)) delete customer.users[user];
      change = `${customer.personas.includes(persona) ? 'add' : 'remove'} persona ${persona}`;
      break;
    }
    case 'user': {
      const user = pick(PEOPLE);
      if (customer.users[user] && random() < 0.5) delete customer.users[user];
      else customer.users[user] = pick(customer.personas);
      change = `${customer.users[user] ? `give ${user} persona ${customer.users[user]}` : `remove ${user}`}`;
      break;
    }
    case 'schema': {
      const schema = pick(SCHEMAS);
      customer.schemas = toggle(customer.schemas, schema);
      change = `${customer.schemas.includes(schema) ? 'add' : 'remove'} schema ${schema}`;
      break;
    }
    case 'warehouse':
      if (customer.warehouse && random() < 0.4) delete customer.warehouse;
      else customer.warehouse = { size: pick(SIZES), service: pick(['bi', 'etl']) };
      change = customer.warehouse ? `warehouse ${customer.warehouse.size}/${customer.warehouse.service}` : 'remove warehouse';
      break;
    case 'policy':
      if (customer.policy && random() < 0.4) delete customer.policy;
      else customer.policy = { autoterminationMinutes: pick([20, 30, 60]) };
      change = customer.policy ? `policy ${customer.policy.autoterminationMinutes} min` : 'remove policy';
      break;
    case 'notebook':
      if (customer.notebook && random() < 0.4) delete customer.notebook;
      else customer.notebook = { version: (customer.notebook?.version ?? 0) + 1 };
      change = customer.notebook ? `notebook v${customer.notebook.version}` : 'remove notebook';
      break;
    case 'location':
      customer.location = !customer.location;
      change = `${customer.location ? 'add' : 'remove'} location`;
      break;
  }
  return { estate: { customers }, change: `${customer.name}: ${change}` };
}

/** The estate as desired-state files (JSON is YAML). */
export function soakFiles(estate: SoakEstate): Record<string, string> {
  const doc = (kind: string, name: string, spec: unknown) => JSON.stringify({ apiVersion: 'onboarder/v1', kind, metadata: { name }, spec }, null, 1);
  const files: Record<string, string> = {
    'workspaces.yaml': doc('Workspace', SOAK_WORKSPACE.name, { workspaceId: SOAK_WORKSPACE.id }),
    'personas.yaml': PERSONAS.map((name) =>
      doc('PersonaTemplate', name, {
        displayName: `\${customer} ${name}`,
        entitlements: name === 'viewers' ? ['workspace-consume'] : ['databricks-sql-access'],
        grants: [{ on: { catalog: '${catalog}' }, privileges: ['USE_CATALOG'] }],
        warehouses: name === 'viewers' ? null : 'CAN_USE',
        clusterPolicies: name === 'engineers' ? 'CAN_USE' : null,
        notebooks: 'CAN_READ',
      }),
    ).join('\n---\n'),
  };
  for (const c of estate.customers) {
    const spec: Record<string, unknown> = {
      displayName: `Customer ${c.name}`,
      workspaces: [SOAK_WORKSPACE.name],
      tags: { customer_id: c.name },
      personas: Object.fromEntries(c.personas.map((p) => [p, { template: p }])),
      catalog: { name: `customer_${c.name}`, schemas: c.schemas.map((name) => ({ name })) },
    };
    if (c.location) spec.externalLocations = [{ name: `customer_${c.name}_files`, url: `s3://soak-${c.name}/files`, credential: SOAK_CREDENTIAL }];
    if (c.warehouse) {
      spec.warehouses = [{ name: `customer-${c.name}-wh`, size: c.warehouse.size, autoStopMins: 10, serverless: true, tags: { service: c.warehouse.service } }];
    }
    if (c.policy) {
      spec.clusterPolicies = [{ name: `customer-${c.name}-policy`, definition: { autotermination_minutes: { type: 'fixed', value: c.policy.autoterminationMinutes } } }];
    }
    if (c.notebook) {
      spec.notebooks = [{ path: `/Workspace/Customers/${c.name}/Start`, source: `notebooks/${c.name}.py`, language: 'PYTHON' }];
      files[`notebooks/${c.name}.py`] = `# Databricks notebook source\nprint("welcome, ${c.name}: v${c.notebook.version}")\n`;
    }
    const users = Object.entries(c.users).map(([userName, persona]) => ({ userName, personas: [persona] }));
    files[`customers/${c.name}.yaml`] = [doc('Customer', c.name, spec), doc('Roster', c.name, { users })].join('\n---\n');
  }
  return files;
}

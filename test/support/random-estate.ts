/**
 * Random desired-state folders for property tests: a few workspaces,
 * customers, personas (from templates or inline) and rosters drawn from a
 * shared pool of people, so principals often belong to several customers.
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
  { name: 'dev', id: '2234567890123456' },
];

export interface RandomEstate {
  files: Record<string, string>;
}

const entitlements = fc.constantFrom(...ENTITLEMENT_SETS);

const customer = fc.record({
  workspaces: fc.subarray(RANDOM_WORKSPACES.map((w) => w.name), { minLength: 1 }),
  personas: fc.uniqueArray(fc.constantFrom('analysts', 'engineers', 'viewers'), { minLength: 1, maxLength: 3 }),
  inline: fc.boolean(),
  inlineEntitlements: entitlements,
  membership: fc.constantFrom('authoritative', 'additive', undefined),
  users: fc.uniqueArray(fc.record({ who: fc.constantFrom(...PEOPLE), pick: fc.nat(7), own: entitlements }), {
    selector: (u) => u.who,
    maxLength: 5,
  }),
  robots: fc.uniqueArray(fc.record({ who: fc.constantFrom(...ROBOTS), pick: fc.nat(7) }), { selector: (r) => r.who, maxLength: 2 }),
});

export const randomEstate: fc.Arbitrary<RandomEstate> = fc
  .record({
    templates: fc.record({ analysts: entitlements, engineers: entitlements, viewers: entitlements }),
    customers: fc.array(customer, { minLength: 1, maxLength: 3 }),
  })
  .map(({ templates, customers }) => {
    const files: Record<string, string> = {};
    const doc = (kind: string, name: string, spec: unknown) =>
      JSON.stringify({ apiVersion: 'onboarder/v1', kind, metadata: { name }, spec }, null, 2);
    files['workspaces.yaml'] = RANDOM_WORKSPACES.map((w) => doc('Workspace', w.name, { workspaceId: w.id })).join('\n---\n');
    files['personas.yaml'] = Object.entries(templates)
      .map(([name, list]) => doc('PersonaTemplate', name, { displayName: `\${customer} ${name}`, entitlements: list }))
      .join('\n---\n');
    customers.forEach((c, index) => {
      const name = `c${index}`;
      const personas: Record<string, unknown> = {};
      for (const persona of c.personas) personas[persona] = { template: persona };
      if (c.inline) personas.auditors = { entitlements: c.inlineEntitlements };
      const personaNames = Object.keys(personas);
      const choose = (pick: number) => [personaNames[pick % personaNames.length]!];
      const spec: Record<string, unknown> = { displayName: `Customer ${index}`, workspaces: c.workspaces, personas };
      if (c.membership) spec.membership = c.membership;
      files[`customers/${name}.yaml`] = [
        doc('Customer', name, spec),
        doc('Roster', name, {
          users: c.users.map((u) => ({ userName: u.who, personas: choose(u.pick), ...(u.own.length ? { entitlements: u.own } : {}) })),
          servicePrincipals: c.robots.map((r) => ({ displayName: r.who, personas: choose(r.pick) })),
        }),
      ].join('\n---\n');
    });
    return { files };
  });

export async function writeEstate(files: Record<string, string>, root?: string): Promise<string> {
  const dir = root ?? (await mkdtemp(path.join(tmpdir(), 'onboarder-estate-')));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

import { describe, expect, it } from 'vitest';
import { diff } from './diff.js';
import { emptyUnityCatalog, type LiveState } from '../domain/live.js';
import { desiredGroup, desiredServicePrincipal, desiredState, desiredUser, emptyLive } from '../../test/support/estate.js';

const jane = desiredUser('jane.doe@acmecorp.com', ['acme']);
const etl = desiredServicePrincipal('acme-etl-pipeline', ['acme']);
const analysts = desiredGroup('acme', 'analysts', [jane.key, etl.key]);
const desired = desiredState([analysts], [jane, etl]);

/** Live state in which `desired` is fully converged. */
function convergedLive(): LiveState {
  return {
    groups: [{ id: '10', displayName: 'customer-acme-analysts', members: ['20', '30'] }],
    users: [{ id: '20', userName: 'Jane.Doe@acmecorp.com', active: true }],
    servicePrincipals: [{ id: '30', applicationId: 'app-30', displayName: 'acme-etl-pipeline', active: true }],
    workspaces: [
      { name: 'prod', workspaceId: '1001', assignments: [{ principalId: '10', permissions: ['USER'] }], entitlements: { '10': ['databricks-sql-access'] } },
    ],
    unityCatalog: emptyUnityCatalog(),
    assets: {},
  };
}

const options = { principals: 'create' as const };
const summaryOf = (live: LiveState) => diff(desired, live, options).actions.map((a) => `${a.change} ${a.id}`);

describe('diff on an empty account', () => {
  const plan = diff(desired, emptyLive(), options);

  it('creates parents first and every child after what it needs', () => {
    expect(plan.actions.map((a) => `${a.change} ${a.id}`)).toEqual([
      'create group:customer-acme-analysts',
      'create service-principal:acme-etl-pipeline',
      'create user:jane.doe@acmecorp.com',
      'create workspace-assignment:customer-acme-analysts @ prod',
      'update membership:customer-acme-analysts',
      'update entitlements:customer-acme-analysts @ prod',
    ]);
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    expect(byId.get('membership:customer-acme-analysts')?.dependsOn).toEqual([
      'group:customer-acme-analysts',
      'service-principal:acme-etl-pipeline',
      'user:jane.doe@acmecorp.com',
    ]);
    expect(byId.get('entitlements:customer-acme-analysts @ prod')?.dependsOn).toEqual([
      'group:customer-acme-analysts',
      'workspace-assignment:customer-acme-analysts @ prod',
    ]);
    expect(plan.summary).toEqual({ create: 4, update: 2, delete: 0, waiting: 0, reported: 0, blocked: 0 });
  });

  it('names members and entitlements in readable details', () => {
    const membership = plan.actions.find((a) => a.kind === 'membership');
    expect(membership?.details).toEqual(['+ acme-etl-pipeline', '+ jane.doe@acmecorp.com']);
    expect(membership?.after).toEqual({ members: ['acme-etl-pipeline', 'jane.doe@acmecorp.com'] });
  });
});

describe('diff against a converged account', () => {
  it('is empty (user names compare case-insensitively)', () => {
    expect(diff(desired, convergedLive(), options).actions).toEqual([]);
  });
});

describe('drift', () => {
  it('a removed member is added back', () => {
    const live = convergedLive();
    live.groups[0]!.members = ['30'];
    const plan = diff(desired, live, options);
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ kind: 'membership', details: ['+ Jane.Doe@acmecorp.com'], status: 'pending' });
    expect(plan.actions[0]?.op).toMatchObject({ type: 'patchMembers', add: [{ type: 'user', id: '20' }], remove: [] });
  });

  it('an undeclared member is removed when membership is authoritative, kept when additive', () => {
    const live = convergedLive();
    live.users.push({ id: '21', userName: 'intruder@example.com', active: true });
    live.groups[0]!.members = ['20', '21', '30'];
    expect(diff(desired, live, options).actions[0]).toMatchObject({ details: ['- intruder@example.com'] });
    const additive = desiredState([{ ...analysts, membership: 'additive' }], [jane, etl]);
    expect(diff(additive, live, options).actions).toEqual([]);
  });

  it('an entitlement added by hand to a user is removed', () => {
    const live = convergedLive();
    live.workspaces[0]!.entitlements['20'] = ['allow-cluster-create'];
    expect(summaryOf(live)).toEqual(['update entitlements:Jane.Doe@acmecorp.com @ prod']);
    expect(diff(desired, live, options).actions[0]?.op).toMatchObject({ add: [], remove: ['allow-cluster-create'] });
  });

  it('a deleted group is recreated with its assignment, members and entitlements', () => {
    const live = convergedLive();
    live.groups = [];
    live.workspaces[0]!.assignments = [];
    live.workspaces[0]!.entitlements = {};
    expect(summaryOf(live)).toEqual([
      'create group:customer-acme-analysts',
      'create workspace-assignment:customer-acme-analysts @ prod',
      'update membership:customer-acme-analysts',
      'update entitlements:customer-acme-analysts @ prod',
    ]);
  });

  it('an assignment raised to ADMIN by hand goes back to USER', () => {
    const live = convergedLive();
    live.workspaces[0]!.assignments = [{ principalId: '10', permissions: ['ADMIN'] }];
    const plan = diff(desired, live, options);
    expect(plan.actions).toMatchObject([{ kind: 'workspace-assignment', change: 'update', before: { permissions: ['ADMIN'] }, after: { permissions: ['USER'] } }]);
  });

  it('a group assigned to a declared workspace the customer does not use is unassigned', () => {
    const onlyDev = desiredState([{ ...analysts, workspaces: [] }], [{ ...jane, entitlements: {} }, { ...etl, entitlements: {} }]);
    const live = convergedLive();
    const actions = diff(onlyDev, live, options).actions;
    expect(actions.map((a) => `${a.change} ${a.id}`)).toEqual(['delete workspace-assignment:customer-acme-analysts @ prod']);
  });
});

describe('groups from the identity provider', () => {
  it('have their membership reported, not changed, unless the customer claims it', () => {
    const live = convergedLive();
    live.groups[0] = { ...live.groups[0]!, externalId: 'entra-1', members: ['30'] };
    const reported = diff(desired, live, options);
    expect(reported.actions).toMatchObject([{ kind: 'membership', status: 'reported' }]);
    expect(reported.summary).toMatchObject({ update: 0, reported: 1 });
    const claimed = desiredState([{ ...analysts, membershipExplicit: true }], [jane, etl]);
    expect(diff(claimed, live, options).actions).toMatchObject([{ kind: 'membership', status: 'pending' }]);
  });
});

describe('--principals=external', () => {
  it('reports missing principals as waiting and leaves them out of memberships', () => {
    const live = convergedLive();
    live.users = [];
    live.groups[0]!.members = ['30'];
    const plan = diff(desired, live, { principals: 'external' });
    expect(plan.actions.map((a) => `${a.status} ${a.id}`)).toEqual(['waiting user:jane.doe@acmecorp.com']);
    expect(plan.summary).toMatchObject({ create: 0, waiting: 1 });
  });
});

describe('protected groups', () => {
  it('never appear in a plan, even when declared', () => {
    const users = desiredGroup('acme', 'everyone', [jane.key], { displayName: 'users' });
    const clone = desiredGroup('acme', 'clone', [jane.key], { displayName: 'users-clone-2024' });
    const plan = diff(desiredState([users, clone], [jane]), emptyLive(), options);
    expect(plan.actions.map((a) => a.id)).toEqual(['user:jane.doe@acmecorp.com']);
  });
});

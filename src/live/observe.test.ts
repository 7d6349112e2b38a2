import { originPattern } from '../domain/host-trust.js';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, recordingTelemetry, scimListHandler, useRecorded } from '../../test/support/live.js';
import { emptyUnityCatalog, type LiveState } from '../domain/live.js';
import { startMswHttpServer, type MswHttpServer } from '../simulator/http-server.js';
import { createDatabricks, type Databricks } from './databricks.js';
import { unlimitedFamilyLimits } from './limiter.js';
import { observeLiveState, type ObserveScope } from './observe.js';

const ACCOUNT_ID = 'acc-1';
const ACCOUNT_SCIM = `/api/2.0/accounts/${ACCOUNT_ID}/scim/v2`;
const WS_SCIM = '/api/2.0/preview/scim/v2';
const PAT = 'dapi-observe-token';

const accountGroups = [
  { id: '100', displayName: 'customer-acme-analysts' },
  { id: '101', displayName: 'customer-acme-engineers', externalId: 'okta-101' },
  { id: '102', displayName: 'someone-elses-group' },
];
const members: Record<string, { value: string }[]> = {
  '100': [{ value: '12' }, { value: '11' }],
  '101': [{ value: '13' }, { value: '100' }],
};
const accountUsers = [
  { id: '11', userName: 'jane@acme.com', displayName: 'Jane', active: true },
  { id: '12', userName: 'Bob@acme.com', active: true },
  { id: '13', userName: 'carol@acme.com', active: false },
];
const accountSps = [{ id: '21', applicationId: 'app-21', displayName: 'etl', active: true }];

/** Per workspace id: what workspace SCIM and the assignments API show. */
const workspaces: Record<string, { groups: unknown[]; users: unknown[]; sps: unknown[]; assignments: string }> = {
  '1111': {
    groups: [
      { id: '1', displayName: 'users', meta: { resourceType: 'WorkspaceGroup' }, entitlements: [{ value: 'workspace-access' }] },
      { id: '2', displayName: 'admins', meta: { resourceType: 'WorkspaceGroup' }, entitlements: [{ value: 'allow-cluster-create' }] },
      { id: '100', displayName: 'customer-acme-analysts', meta: { resourceType: 'Group' }, entitlements: [{ value: 'databricks-sql-access' }, { value: 'workspace-access' }] },
    ],
    users: [
      { id: '11', userName: 'jane@acme.com' },
      { id: '12', userName: 'Bob@acme.com', entitlements: [{ value: 'allow-cluster-create' }] },
      { id: '13', userName: 'carol@acme.com' },
    ],
    sps: [{ id: '21', applicationId: 'app-21', displayName: 'etl', entitlements: [{ value: 'workspace-access' }] }],
    assignments:
      '{"permission_assignments":[{"principal":{"principal_id":100,"group_name":"customer-acme-analysts"},"permissions":["USER"]},' +
      '{"principal":{"principal_id":21,"service_principal_name":"app-21"},"permissions":["ADMIN"]}]}',
  },
  '2222': {
    groups: [{ id: '3', displayName: 'users', meta: { resourceType: 'WorkspaceGroup' } }],
    users: [],
    sps: [],
    assignments: '{}',
  },
};

function workspaceOf(request: Request) {
  const id = request.headers.get('x-databricks-workspace-id') ?? '';
  const data = workspaces[id];
  if (!data) throw new Error(`unknown workspace ${id}`);
  return data;
}

const handlers = [
  scimListHandler(`${ACCOUNT_SCIM}/Groups`, accountGroups),
  scimListHandler(`${ACCOUNT_SCIM}/Users`, accountUsers),
  scimListHandler(`${ACCOUNT_SCIM}/ServicePrincipals`, accountSps),
  http.get(`${ACCOUNT_SCIM}/Groups/:id`, ({ params }) => {
    const group = accountGroups.find((g) => g.id === params.id);
    return group ? HttpResponse.json({ ...group, members: members[group.id] ?? [] }) : new HttpResponse(null, { status: 404 });
  }),
  scimListHandler(`${WS_SCIM}/Groups`, (request) => workspaceOf(request).groups),
  scimListHandler(`${WS_SCIM}/Users`, (request) => workspaceOf(request).users),
  scimListHandler(`${WS_SCIM}/ServicePrincipals`, (request) => workspaceOf(request).sps),
  http.get(`/api/2.0/accounts/${ACCOUNT_ID}/workspaces/:workspaceId/permissionassignments`, ({ params }) =>
    new HttpResponse(workspaces[String(params.workspaceId)]?.assignments ?? '{}', { headers: { 'content-type': 'application/json' } }),
  ),
];

let server: MswHttpServer;
let databricks: Databricks;
let scope: ObserveScope;
beforeAll(async () => {
  server = await startMswHttpServer([]);
  const port = new URL(server.url).port;
  databricks = createDatabricks({
    accountHost: server.url,
    accountId: ACCOUNT_ID,
    credentials: { type: 'pat', token: PAT },
    // Both loopback names of the one server, as the operator would allow them.
    trustedHosts: [originPattern(new URL(server.url)), { host: 'localhost', subdomains: false, port: Number(port) }],
    logger: captureLogger().logger,
    telemetry: recordingTelemetry(),
    limits: unlimitedFamilyLimits(),
    scimPageSize: 2,
  });
  scope = {
    workspaces: [
      { name: 'prod', workspaceId: '1111', host: server.url },
      // Another loopback name, so the two workspaces have different origins as in real life.
      { name: 'dev', workspaceId: '2222', host: `http://localhost:${port}` },
    ],
    managedGroupNames: ['customer-acme-analysts', 'Customer-Acme-Engineers', 'customer-acme-not-created-yet'],
  };
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  await databricks.close();
  await server.close();
});

describe('observeLiveState', () => {
  it('produces the live state from lists plus one GET per existing managed group', async () => {
    const recorded = useRecorded(server, ...handlers);
    const live = await observeLiveState(databricks, scope);

    const expected: LiveState = {
      groups: [
        { id: '100', displayName: 'customer-acme-analysts', members: ['11', '12'] },
        { id: '101', displayName: 'customer-acme-engineers', externalId: 'okta-101', members: ['100', '13'] },
        { id: '102', displayName: 'someone-elses-group' },
      ],
      users: [
        { id: '12', userName: 'Bob@acme.com', active: true },
        { id: '13', userName: 'carol@acme.com', active: false },
        { id: '11', userName: 'jane@acme.com', displayName: 'Jane', active: true },
      ],
      servicePrincipals: [{ id: '21', applicationId: 'app-21', displayName: 'etl', active: true }],
      workspaces: [
        {
          name: 'prod',
          workspaceId: '1111',
          assignments: [
            { principalId: '21', permissions: ['ADMIN'] },
            { principalId: '100', permissions: ['USER'] },
          ],
          entitlements: {
            '1': ['workspace-access'],
            '2': ['allow-cluster-create'],
            '100': ['databricks-sql-access', 'workspace-access'],
            '11': [],
            '12': ['allow-cluster-create'],
            '13': [],
            '21': ['workspace-access'],
          },
        },
        { name: 'dev', workspaceId: '2222', assignments: [], entitlements: { '3': [] } },
      ],
      unityCatalog: emptyUnityCatalog(),
      assets: {},
    };
    expect(live).toEqual(expected);

    // Page size 2, and an empty page ends every list: n items cost floor(n / 2) + 1 requests.
    const count = (path: string) => recorded.filter((r) => r.path === path).length;
    expect(count(`${ACCOUNT_SCIM}/Groups`)).toBe(3); // 3 groups
    expect(count(`${ACCOUNT_SCIM}/Users`)).toBe(3); // 3 users
    expect(count(`${ACCOUNT_SCIM}/ServicePrincipals`)).toBe(2); // 1 SP
    expect(recorded.filter((r) => r.path.startsWith(`${ACCOUNT_SCIM}/Groups/`)).map((r) => r.path).sort()).toEqual([
      `${ACCOUNT_SCIM}/Groups/100`,
      `${ACCOUNT_SCIM}/Groups/101`,
    ]);
    expect(count(`${WS_SCIM}/Groups`)).toBe(3 + 2); // prod 3 groups, dev 1
    expect(count(`${WS_SCIM}/Users`)).toBe(3 + 1); // prod 3 users, dev none
    expect(count(`${WS_SCIM}/ServicePrincipals`)).toBe(2 + 1); // prod 1 SP, dev none
    expect(recorded.filter((r) => r.path.endsWith('/permissionassignments'))).toHaveLength(2);
    expect(recorded).toHaveLength(3 + 3 + 2 + 2 + 5 + 4 + 3 + 2);
    expect(recorded.every((r) => r.method === 'GET')).toBe(true);
    expect(recorded.every((r) => r.headers.get('authorization') === `Bearer ${PAT}`)).toBe(true);
    expect(new Set(recorded.filter((r) => r.path.startsWith(WS_SCIM)).map((r) => r.headers.get('host')))).toEqual(
      new Set([new URL(server.url).host, `localhost:${new URL(server.url).port}`]),
    );
  });

  it('fails with the API error when a read fails', async () => {
    useRecorded(server, http.get(`${ACCOUNT_SCIM}/Users`, () => HttpResponse.json({ error_code: 'PERMISSION_DENIED', message: 'not an account admin' }, { status: 403 })), ...handlers);
    await expect(observeLiveState(databricks, scope)).rejects.toMatchObject({ status: 403, errorCode: 'PERMISSION_DENIED' });
  });

  it('drops a managed group deleted between the list and its read', async () => {
    useRecorded(server, http.get(`${ACCOUNT_SCIM}/Groups/101`, () => new HttpResponse(null, { status: 404 })), ...handlers);
    const live = await observeLiveState(databricks, scope);
    expect(live.groups.map((g) => g.id)).toEqual(['100', '102']);
  });
});

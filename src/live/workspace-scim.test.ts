import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { scimListHandler, useMswServer, useRecorded, type TestHttp } from '../../test/support/live.js';
import { patTokenSource } from './auth.js';
import { WorkspaceScim } from './workspace-scim.js';

const PREFIX = '/api/2.0/preview/scim/v2';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let t: TestHttp;
let scim: WorkspaceScim;
const mock = useMswServer();

function client(): WorkspaceScim {
  t = mock.http();
  scim = new WorkspaceScim({ http: t.http, auth: patTokenSource('dapi-w'), baseUrl: mock.server.url, workspaceId: '987654321', pageSize: 50 });
  return scim;
}

describe('WorkspaceScim lists', () => {
  it('lists groups with minimal attributes and entitlements, sending the workspace id', async () => {
    client();
    const recorded = useRecorded(
      mock.server,
      scimListHandler(`${PREFIX}/Groups`, [
        { id: '1', displayName: 'users', meta: { resourceType: 'WorkspaceGroup' }, entitlements: [{ value: 'workspace-access' }, { value: 'databricks-sql-access' }] },
        { id: '100', displayName: 'customer-acme-analysts', meta: { resourceType: 'Group' } },
      ]),
    );
    expect(await scim.listGroups()).toEqual([
      { id: '1', displayName: 'users', accountGroup: false, entitlements: ['databricks-sql-access', 'workspace-access'] },
      { id: '100', displayName: 'customer-acme-analysts', accountGroup: true, entitlements: [] },
    ]);
    expect(recorded[0]?.query.get('attributes')).toBe('id,displayName,entitlements,meta');
    expect(recorded[0]?.query.get('count')).toBe('50');
    expect(recorded[0]?.headers.get('x-databricks-workspace-id')).toBe('987654321');
    expect(recorded[0]?.headers.get('authorization')).toBe('Bearer dapi-w');
  });

  it('lists users and service principals with their entitlements', async () => {
    client();
    const recorded = useRecorded(
      mock.server,
      scimListHandler(`${PREFIX}/Users`, [{ id: '5', userName: 'a@acme.com', entitlements: [{ value: 'allow-cluster-create' }] }]),
      scimListHandler(`${PREFIX}/ServicePrincipals`, [{ id: '6', applicationId: 'uuid', displayName: 'etl' }]),
    );
    expect(await scim.listUsers()).toEqual([{ id: '5', userName: 'a@acme.com', entitlements: ['allow-cluster-create'] }]);
    expect(await scim.listServicePrincipals()).toEqual([{ id: '6', applicationId: 'uuid', displayName: 'etl', entitlements: [] }]);
    expect(recorded.filter((r) => r.query.get('startIndex') === '1').map((r) => r.query.get('attributes'))).toEqual([
      'id,userName,entitlements',
      'id,applicationId,displayName,entitlements',
    ]);
  });

  it('reads the caller', async () => {
    client();
    useRecorded(mock.server, http.get(`${PREFIX}/Me`, () => HttpResponse.json({ id: '77', userName: 'onboarder@acme.com', emails: [] })));
    expect(await scim.me()).toEqual({ id: '77', userName: 'onboarder@acme.com' });
  });
});

describe('WorkspaceScim.patchEntitlements', () => {
  it('sends one PATCH with an add and a remove operation, never a null value', async () => {
    client();
    const recorded = useRecorded(mock.server, http.patch(`${PREFIX}/ServicePrincipals/6`, () => new HttpResponse(null, { status: 204 })));
    await scim.patchEntitlements('servicePrincipal', '6', { add: ['workspace-access', 'databricks-sql-access'], remove: ['allow-cluster-create'] });
    expect(recorded).toHaveLength(1);
    expect(JSON.parse(recorded[0]?.body ?? '')).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'add', path: 'entitlements', value: [{ value: 'workspace-access' }, { value: 'databricks-sql-access' }] },
        { op: 'remove', path: 'entitlements', value: [{ value: 'allow-cluster-create' }] },
      ],
    });
    expect(recorded[0]?.body).not.toContain('null');
  });

  it('sends only the operations needed, and nothing for no change', async () => {
    client();
    const recorded = useRecorded(mock.server, http.patch(`${PREFIX}/Groups/100`, () => new HttpResponse(null, { status: 200 })));
    await scim.patchEntitlements('group', '100', { remove: ['workspace-access'] });
    await scim.patchEntitlements('group', '100', {});
    expect(recorded.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'entitlements', value: [{ value: 'workspace-access' }] }] },
    ]);
  });

  it('treats "no entitlements to remove" as done and re-sends the additions alone', async () => {
    client();
    let calls = 0;
    const recorded = useRecorded(mock.server, http.patch(`${PREFIX}/Users/5`, () =>
      ++calls === 1
        ? HttpResponse.json(
            { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], detail: 'No such attribute with the name : entitlements in the current resource', status: '400', scimType: 'invalidPath' },
            { status: 400 },
          )
        : new HttpResponse(null, { status: 204 }),
    ));
    await scim.patchEntitlements('user', '5', { add: ['workspace-access'], remove: ['allow-cluster-create'] });
    expect(recorded.map((r) => (JSON.parse(r.body) as { Operations: { op: string }[] }).Operations.map((o) => o.op))).toEqual([
      ['add', 'remove'],
      ['add'],
    ]);
  });
});

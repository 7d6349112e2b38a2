import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { scimListHandler, useMswServer, useRecorded, type TestHttp } from '../../test/support/live.js';
import { ApiError } from '../domain/errors.js';
import { AccountScim } from './account-scim.js';
import { patTokenSource } from './auth.js';

const ACCOUNT_ID = 'acc-1';
const PREFIX = `/api/2.0/accounts/${ACCOUNT_ID}/scim/v2`;

let t: TestHttp;
let scim: AccountScim;
const mock = useMswServer();

function client(pageSize = 100): AccountScim {
  t = mock.http();
  scim = new AccountScim({ http: t.http, auth: patTokenSource('dapi-t'), baseUrl: mock.server.url, accountId: ACCOUNT_ID, pageSize });
  return scim;
}

const groups = Array.from({ length: 5 }, (_, i) => ({
  id: `${100 + i}`,
  displayName: `group-${i}`,
  ...(i === 0 ? { externalId: 'idp-0' } : {}),
  meta: { resourceType: 'Group' },
}));

describe('AccountScim lists', () => {
  it('pages with a 1-based startIndex, advances by the items received and stops on an empty page', async () => {
    client(2);
    const recorded = useRecorded(mock.server, scimListHandler(`${PREFIX}/Groups`, groups));
    const listed = await scim.listGroups();
    expect(listed.map((g) => g.id)).toEqual(['100', '101', '102', '103', '104']);
    expect(listed[0]).toEqual({ id: '100', displayName: 'group-0', externalId: 'idp-0' });
    expect(listed[1]).toEqual({ id: '101', displayName: 'group-1' });
    expect(recorded.map((r) => [r.query.get('startIndex'), r.query.get('count')])).toEqual([
      ['1', '2'],
      ['3', '2'],
      ['5', '2'],
      ['6', '2'],
    ]);
    expect(recorded[0]?.query.get('excludedAttributes')).toBe('members');
    expect(recorded[0]?.headers.get('authorization')).toBe('Bearer dapi-t');
  });

  it('keeps paging when the server returns fewer items than asked', async () => {
    client(100);
    const recorded = useRecorded(mock.server, scimListHandler(`${PREFIX}/Groups`, groups, 2));
    expect(await scim.listGroups()).toHaveLength(5);
    expect(recorded.map((r) => r.query.get('startIndex'))).toEqual(['1', '3', '5', '6']);
  });

  it('stops when a server ignores startIndex instead of looping forever', async () => {
    client(2);
    const recorded = useRecorded(mock.server, http.get(`${PREFIX}/Users`, () =>
      HttpResponse.json({ Resources: [{ id: '1', userName: 'a@x.com', active: true }] }),
    ));
    expect(await scim.listUsers()).toEqual([{ id: '1', userName: 'a@x.com', active: true }]);
    expect(recorded).toHaveLength(2);
  });

  it('normalises users and service principals', async () => {
    client();
    useRecorded(
      mock.server,
      scimListHandler(`${PREFIX}/Users`, [
        { id: '1', userName: 'Jane.Doe@acme.com', displayName: 'Jane', active: true, emails: [{ value: 'x' }] },
        { id: '2', userName: 'bob@acme.com', displayName: null, active: false },
      ]),
      scimListHandler(`${PREFIX}/ServicePrincipals`, [{ id: '3', applicationId: 'app-uuid', displayName: 'etl', active: true }]),
    );
    expect(await scim.listUsers()).toEqual([
      { id: '1', userName: 'Jane.Doe@acme.com', displayName: 'Jane', active: true },
      { id: '2', userName: 'bob@acme.com', active: false },
    ]);
    expect(await scim.listServicePrincipals()).toEqual([{ id: '3', applicationId: 'app-uuid', displayName: 'etl', active: true }]);
  });

  it('reads one group with its members, sorted', async () => {
    client();
    const recorded = useRecorded(mock.server, http.get(`${PREFIX}/Groups/100`, () =>
      HttpResponse.json({ id: '100', displayName: 'g', members: [{ value: '9', display: 'x' }, { value: '10' }] }),
    ));
    expect(await scim.getGroup('100')).toEqual({ id: '100', displayName: 'g', members: ['10', '9'] });
    expect(recorded[0]?.query.get('attributes')).toBe('id,displayName,externalId,members');
  });
});

describe('AccountScim finds', () => {
  it('quotes and escapes filter values', async () => {
    client();
    const recorded = useRecorded(mock.server, scimListHandler(`${PREFIX}/Groups`, [{ id: '7', displayName: 'Data "Eng" \\ Ops' }]));
    expect(await scim.findGroupByName('Data "Eng" \\ Ops')).toEqual({ id: '7', displayName: 'Data "Eng" \\ Ops' });
    expect(recorded[0]?.query.get('filter')).toBe('displayName eq "Data \\"Eng\\" \\\\ Ops"');
  });

  it('finds users case-insensitively and service principals by application id or name', async () => {
    client();
    const recorded = useRecorded(
      mock.server,
      scimListHandler(`${PREFIX}/Users`, [{ id: '1', userName: 'Jane@Acme.com', active: true }]),
      scimListHandler(`${PREFIX}/ServicePrincipals`, [{ id: '3', applicationId: 'app-uuid', displayName: 'etl', active: true }]),
    );
    expect((await scim.findUserByName('jane@acme.com'))?.id).toBe('1');
    expect((await scim.findServicePrincipal({ applicationId: 'app-uuid' }))?.id).toBe('3');
    expect((await scim.findServicePrincipal({ displayName: 'etl' }))?.id).toBe('3');
    expect(recorded.filter((r) => r.query.get('startIndex') === '1').map((r) => r.query.get('filter'))).toEqual([
      'userName eq "jane@acme.com"',
      'applicationId eq "app-uuid"',
      'displayName eq "etl"',
    ]);
  });

  it('returns undefined when nothing matches', async () => {
    client();
    useRecorded(mock.server, scimListHandler(`${PREFIX}/Groups`, []));
    expect(await scim.findGroupByName('nope')).toBeUndefined();
  });
});

describe('AccountScim writes', () => {
  it('patches members in one request with the exact SCIM body', async () => {
    client();
    const recorded = useRecorded(mock.server, http.patch(`${PREFIX}/Groups/100`, () => new HttpResponse(null, { status: 204 })));
    await scim.patchGroupMembers('100', { add: ['1', '2', '1'], remove: ['3', '4'] });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.method).toBe('PATCH');
    expect(JSON.parse(recorded[0]?.body ?? '')).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'add', path: 'members', value: [{ value: '1' }, { value: '2' }] },
        { op: 'remove', path: 'members[value eq "3"]' },
        { op: 'remove', path: 'members[value eq "4"]' },
      ],
    });
  });

  it('sends nothing for an empty membership change', async () => {
    client();
    const recorded = useRecorded(mock.server);
    await scim.patchGroupMembers('100', { add: [], remove: [] });
    expect(recorded).toHaveLength(0);
  });

  it('creates a group, a user and a service principal', async () => {
    client();
    const recorded = useRecorded(
      mock.server,
      http.post(`${PREFIX}/Groups`, () => HttpResponse.json({ id: '11', displayName: 'customer-acme-analysts' }, { status: 201 })),
      http.post(`${PREFIX}/Users`, () => HttpResponse.json({ id: '12', userName: 'a@acme.com', active: true }, { status: 201 })),
      http.post(`${PREFIX}/ServicePrincipals`, () => HttpResponse.json({ id: '13', applicationId: 'uuid-1', displayName: 'etl', active: true }, { status: 201 })),
    );
    expect(await scim.createGroup('customer-acme-analysts')).toEqual({ id: '11', displayName: 'customer-acme-analysts' });
    expect(await scim.createUser({ userName: 'a@acme.com' })).toEqual({ id: '12', userName: 'a@acme.com', active: true });
    expect(await scim.createServicePrincipal({ displayName: 'etl' })).toEqual({ id: '13', applicationId: 'uuid-1', displayName: 'etl', active: true });
    expect(recorded.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'customer-acme-analysts' },
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@acme.com' },
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal'], displayName: 'etl' },
    ]);
  });

  it('does not retry a create whose connection dropped (it may have happened)', async () => {
    client();
    const recorded = useRecorded(mock.server, http.post(`${PREFIX}/Groups`, () => HttpResponse.error()));
    await expect(scim.createGroup('g')).rejects.toMatchObject({ status: 0, errorCode: 'UND_ERR_SOCKET' });
    expect(recorded).toHaveLength(1);
  });

  it('surfaces a duplicate create as SCIM_409', async () => {
    client();
    useRecorded(mock.server, http.post(`${PREFIX}/Groups`, () =>
      HttpResponse.json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], detail: 'Group with name g already exists.', status: '409' }, { status: 409 }),
    ));
    const error = (await scim.createGroup('g').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.errorCode).toBe('SCIM_409');
  });

  it('treats deleting a missing group as done', async () => {
    client();
    const recorded = useRecorded(mock.server, http.delete(`${PREFIX}/Groups/5`, () =>
      HttpResponse.json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], detail: 'Group not found', status: '404' }, { status: 404 }),
    ));
    await expect(scim.deleteGroup('5')).resolves.toBeUndefined();
    expect(recorded).toHaveLength(1);
  });
});

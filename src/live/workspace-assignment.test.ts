import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMswServer, useRecorded, type TestHttp } from '../../test/support/live.js';
import { ApiError } from '../domain/errors.js';
import { patTokenSource } from './auth.js';
import { WorkspaceAssignments } from './workspace-assignment.js';

const BASE = '/api/2.0/accounts/acc-1/workspaces/1234567890123456/permissionassignments';

let t: TestHttp;
let assignments: WorkspaceAssignments;
const mock = useMswServer();

function client(): WorkspaceAssignments {
  t = mock.http();
  assignments = new WorkspaceAssignments({ http: t.http, auth: patTokenSource('dapi-a'), baseUrl: mock.server.url, accountId: 'acc-1', workspaceId: '1234567890123456' });
  return assignments;
}

describe('WorkspaceAssignments', () => {
  it('lists assignments with principal ids as exact decimal strings', async () => {
    client();
    // Raw text: a JSON number above 2^53 must survive.
    useRecorded(mock.server, http.get(BASE, () =>
      new HttpResponse(
        '{"permission_assignments":[' +
          '{"principal":{"principal_id":9007199254740993,"group_name":"g"},"permissions":["USER"]},' +
          '{"principal":{"principal_id":42,"user_name":"a@b.com"},"permissions":["USER","ADMIN"]}]}',
        { headers: { 'content-type': 'application/json' } },
      ),
    ));
    expect(await assignments.list()).toEqual([
      { principalId: '42', permissions: ['ADMIN', 'USER'] },
      { principalId: '9007199254740993', permissions: ['USER'] },
    ]);
  });

  it('reads an empty list without the key', async () => {
    client();
    useRecorded(mock.server, http.get(BASE, () => HttpResponse.json({})));
    expect(await assignments.list()).toEqual([]);
  });

  it('assigns with PUT and the permissions body', async () => {
    client();
    const recorded = useRecorded(mock.server, http.put(`${BASE}/principals/42`, () =>
      HttpResponse.json({ principal: { principal_id: 42 }, permissions: ['USER'] }),
    ));
    await assignments.assign('42', ['USER']);
    expect(recorded[0]?.method).toBe('PUT');
    expect(JSON.parse(recorded[0]?.body ?? '')).toEqual({ permissions: ['USER'] });
  });

  it('treats a non-empty error in a 200 as a failure', async () => {
    client();
    useRecorded(mock.server, http.put(`${BASE}/principals/42`, () =>
      HttpResponse.json({ principal: { principal_id: 42 }, permissions: [], error: 'Principal is not in the account' }),
    ));
    const error = (await assignments.assign('42', ['USER']).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.details).toMatchObject({ status: 200, errorCode: 'ASSIGNMENT_FAILED', apiMessage: 'Principal is not in the account', retryable: false });
  });

  it('unassigns with DELETE, treating "not assigned" as done', async () => {
    client();
    const recorded = useRecorded(
      mock.server,
      http.delete(`${BASE}/principals/42`, () => HttpResponse.json({})),
      http.delete(`${BASE}/principals/43`, () => HttpResponse.json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'gone' }, { status: 404 })),
    );
    await assignments.unassign('42');
    await assignments.unassign('43');
    expect(recorded.map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE ${BASE}/principals/42`, `DELETE ${BASE}/principals/43`]);
  });
});

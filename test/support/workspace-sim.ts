/**
 * A simulator with one workspace and the client options to reach it, for
 * the tests of the workspace API clients (warehouses, policies, notebooks,
 * permissions).
 */
import { afterEach, beforeEach } from 'vitest';
import { patTokenSource } from '../../src/live/auth.js';
import type { WorkspaceClientOptions } from '../../src/live/workspace-api.js';
import { createSimulator, DEFAULT_PAT, type Simulator } from '../../src/simulator/index.js';
import { testHttp, type TestHttp } from './live.js';

export const WORKSPACE_ID = '1234567890123456';

export interface WorkspaceSim {
  sim: Simulator;
  t: TestHttp;
  options: WorkspaceClientOptions;
}

/** Fresh per test; the returned object's fields are filled in `beforeEach`. */
export function useWorkspaceSim(): WorkspaceSim {
  const fixture = {} as WorkspaceSim;
  beforeEach(async () => {
    fixture.sim = createSimulator({ workspaces: [{ workspaceId: WORKSPACE_ID, name: 'prod' }] });
    await fixture.sim.listen();
    fixture.t = testHttp();
    fixture.options = { http: fixture.t.http, auth: patTokenSource(DEFAULT_PAT), baseUrl: fixture.sim.url, workspaceId: WORKSPACE_ID };
  });
  afterEach(async () => {
    await fixture.t.http.close();
    await fixture.sim.close();
  });
  return fixture;
}

/**
 * Per-customer isolation of failures: one customer's failing object fails
 * only what depends on it; the other customers (and the customer's other
 * objects) converge, and the failure is named, with its customer and error
 * code, in the metrics and the logs.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { connectLive } from '../../src/connect.js';
import { parseConfig } from '../../src/config.js';
import { loadDesiredState } from '../../src/desired/load.js';
import { applyPass } from '../../src/loop/reconciler.js';
import { createMetrics } from '../../src/report/metrics.js';
import { useExampleAccount } from '../support/example-account.js';
import { Capture } from '../support/harness.js';

const example = useExampleAccount();
const PROD = '1234567890123456';
const GLOBEX_NOTEBOOK = '/Workspace/Customers/Globex/Getting Started';

describe('a failing customer', () => {
  it('fails alone, and its error shows under its own name in the metrics and logs', async () => {
    const { state } = example.account.sim;
    // Someone made a file where Globex's notebook folder goes: the folder, hence the import, cannot be made.
    state.assets.tree(PROD).mkdirs('/Customers');
    state.assets.tree(PROD).importFile('/Customers/Globex', { content: 'notes', overwrite: false });
    const loaded = await loadDesiredState(example.dir);
    if (!loaded.ok) throw new Error('the example is invalid');
    const logs = new Capture();
    const logger = pino({ level: 'info' }, logs);
    const metrics = createMetrics();
    const connection = connectLive(parseConfig(['apply', example.dir], example.account.env, false).config!, { logger });
    try {
      const { report } = await applyPass(loaded.state, { live: connection.port, inventory: connection.inventory, logger, metrics, diffOptions: { principals: 'create' } });
      const notOk = report!.results.filter((r) => r.outcome !== 'succeeded').map((r) => `${r.outcome} ${r.action.id}`);
      expect(notOk).toEqual([
        `failed notebook:${GLOBEX_NOTEBOOK} @ prod`,
        `skipped permissions:notebook ${GLOBEX_NOTEBOOK} @ prod`,
      ]);
      // Everything else converged: Acme entirely, and Globex's other objects.
      expect(state.workspaceObject(PROD, '/Workspace/Customers/Acme/Getting Started')?.objectType).toBe('NOTEBOOK');
      expect(state.findWarehouse(PROD, 'customer-globex-bi')).toBeDefined();
      expect(state.uc.catalog('customer_globex')).toBeDefined();

      const gauge = await metrics.registry.getSingleMetricAsString('onboarder_customer_failed_actions');
      expect(gauge).toContain('onboarder_customer_failed_actions{customer="globex",kind="notebook",error_code="INVALID_PARAMETER_VALUE"} 1');
      expect(gauge).not.toContain('customer="acme"');
      const failure = logs.text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.msg === 'action failed');
      expect(failure).toMatchObject({ customer: 'globex', kind: 'notebook', errorCode: 'INVALID_PARAMETER_VALUE', level: 50 });

      // Once the file is gone, the next pass clears the gauge.
      state.assets.deleteWorkspaceObject(PROD, '/Customers/Globex', false);
      const again = await applyPass(loaded.state, { live: connection.port, inventory: connection.inventory, logger, metrics, diffOptions: { principals: 'create' } });
      expect(again.report!.failed).toBe(0);
      expect(await metrics.registry.getSingleMetricAsString('onboarder_customer_failed_actions')).not.toContain('customer="globex"');
    } finally {
      await connection.close();
    }
  });
});

describe('a folder where a notebook goes', () => {
  it('is reported, not overwritten, and the notebook is not recorded as owned', async () => {
    const { state } = example.account.sim;
    state.assets.tree(PROD).mkdirs(GLOBEX_NOTEBOOK);
    const planned = await example.plan('--json');
    const actions = (JSON.parse(planned.stdout) as { actions: { id: string; status: string; reason?: string }[] }).actions;
    expect(actions.find((a) => a.id === `notebook:${GLOBEX_NOTEBOOK} @ prod`)).toMatchObject({
      status: 'reported',
      reason: 'the path holds a directory onboarder did not make; move it, or choose another path',
    });
    expect((await example.apply()).code).toBe(1);
    expect(state.workspaceObject(PROD, GLOBEX_NOTEBOOK)?.objectType).toBe('DIRECTORY');
    expect(example.account.sim.requests.some((r) => r.path.endsWith('/workspace/import') && (r.body ?? '').includes('Globex'))).toBe(false);
  });
});

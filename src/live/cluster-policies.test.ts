import { describe, expect, it } from 'vitest';
import { useWorkspaceSim, WORKSPACE_ID } from '../../test/support/workspace-sim.js';
import { ClusterPolicies } from './cluster-policies.js';

const definition = { autotermination_minutes: { type: 'fixed', value: 30 }, 'custom_tags.team': { type: 'fixed', value: 'bi' } };

describe('ClusterPolicies against the simulator', () => {
  const ws = useWorkspaceSim();

  it('sends the definition as a JSON string and reads it back as an object, whatever the service made of the string', async () => {
    const policies = new ClusterPolicies(ws.options);
    const { policyId } = await policies.create({ name: 'acme', definition });
    expect(ws.sim.state.findClusterPolicy(WORKSPACE_ID, 'acme')!.definition).not.toBe(JSON.stringify(definition));
    expect(await policies.get(policyId)).toEqual({ policyId, name: 'acme', definition });
    expect(await policies.list()).toEqual([{ policyId, name: 'acme', definition }]);

    await policies.edit(policyId, { name: 'acme', definition: { autotermination_minutes: { type: 'fixed', value: 60 } } });
    expect((await policies.get(policyId))?.definition).toEqual({ autotermination_minutes: { type: 'fixed', value: 60 } });
    await policies.delete(policyId);
    await policies.delete(policyId);
    expect(await policies.get(policyId)).toBeNull();
  });

  it('reports a stored definition that is not a JSON object clearly', async () => {
    const policies = new ClusterPolicies(ws.options);
    await policies.create({ name: 'acme', definition });
    ws.sim.state.findClusterPolicy(WORKSPACE_ID, 'acme')!.definition = 'not json';
    await expect(policies.list()).rejects.toThrow(/policy "acme" has a definition that is not a JSON object/);
  });

  it('surfaces a definition the service refuses', async () => {
    const policies = new ClusterPolicies(ws.options);
    await expect(policies.create({ name: 'bad', definition: { spark_version: { type: 'sometimes' } } })).rejects.toMatchObject({ status: 400 });
  });
});

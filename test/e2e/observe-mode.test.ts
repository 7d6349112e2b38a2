/**
 * `--mode=observe` and `--observe-kinds`: the same drift apply would
 * repair, reported and counted, with zero writes for the observed kinds.
 */
import { describe, expect, it } from 'vitest';
import { useExampleAccount } from '../support/example-account.js';
import { runCli } from '../support/harness.js';

const example = useExampleAccount();
const writes = () => example.account.sim.requests.filter((r) => r.method !== 'GET');
const PROD = '1234567890123456';
const NOTEBOOK = '/Workspace/Customers/Acme/Getting Started';

interface JsonPlan {
  summary: Record<string, number>;
  actions: { id: string; status: string }[];
}
const jsonPlan = async (...flags: string[]): Promise<JsonPlan> =>
  JSON.parse((await runCli(['plan', example.dir, '--json', ...flags], example.account.env)).stdout) as JsonPlan;

describe('observe mode', () => {
  it('sends only GET requests and reports the same drift apply would repair', async () => {
    const applyPlan = await jsonPlan();
    const observed = await runCli(['apply', example.dir, '--mode=observe'], example.account.env);
    expect(observed.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(observed.stdout).toContain('observe mode: reported, not changed');
    const observePlan = await jsonPlan('--mode=observe');
    expect(observePlan.actions.map((a) => a.id)).toEqual(applyPlan.actions.map((a) => a.id));
    expect(new Set(observePlan.actions.map((a) => a.status))).toEqual(new Set(['observed']));
    expect(observePlan.summary).toEqual(applyPlan.summary);
    expect((await example.plan('--mode=observe', '--detailed-exitcode')).code).toBe(2);
    // ONBOARDER_MODE works the same.
    expect((await runCli(['apply', example.dir], { ...example.account.env, ONBOARDER_MODE: 'observe' })).code).toBe(0);
    expect(writes()).toEqual([]);
  });

  it('--observe-kinds holds back only the kinds named', async () => {
    expect((await example.apply()).code).toBe(0);
    const { state } = example.account.sim;
    state.setNotebookSource(PROD, NOTEBOOK, '# Databricks notebook source\nprint("edited by hand")\n');
    const analysts = state.findGroup('customer-acme-analysts')!;
    state.removeMember(analysts.id, state.findUser('jane.doe@acmecorp.com')!.id);
    example.account.sim.clearRequests();

    expect((await runCli(['apply', example.dir, '--observe-kinds=notebooks'], example.account.env)).code).toBe(0);
    expect(state.workspaceObject(PROD, NOTEBOOK)!.content).toContain('edited by hand');
    expect(state.members(analysts.id)).toContain(state.findUser('jane.doe@acmecorp.com')!.id);
    expect(writes().some((r) => r.path.includes('/workspace/import'))).toBe(false);
    const plan = await jsonPlan('--observe-kinds=notebooks');
    expect(plan.actions.map((a) => `${a.status} ${a.id}`)).toEqual([`observed notebook:${NOTEBOOK} @ prod`]);
  });

  it('refuses an unknown kind or mode, naming the known ones', async () => {
    const run = await runCli(['plan', example.dir, '--observe-kinds=notebook,widgets'], example.account.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--observe-kinds: unknown kind "widgets" \(known: group, user/);
    expect((await runCli(['plan', example.dir, '--mode=dry'], example.account.env)).stderr).toMatch(/^onboarder plan: --mode: expected apply or observe, got "dry"$/m);
  });
});

/**
 * deploy/prometheus/alerts.yaml, the one source of the alert rules: each rule
 * is complete, uses only metrics and labels onboarder exports (behaviour.md's
 * table), has a promtool unit test that fires and one that does not, passes
 * promtool, and the PrometheusRule of the monitoring component holds exactly
 * these rules.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../src/report/metrics.js';
import { CONTRACT_METRICS } from '../support/contract.js';
import {
  ALERT_TESTS,
  ALERTS,
  KNOWN_METRICS,
  METRIC_TABLE,
  PROMETHEUS_RULE,
  TARGET_LABELS,
  documentsOf,
  prometheusRuleFrom,
  promqlReads,
  type RuleGroup,
} from '../support/deploy.js';
import { INSTALL_HINTS, requireTool } from '../support/tools.js';

const exec = promisify(execFile);

interface PromtoolCase {
  alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
}

async function ruleGroups(): Promise<RuleGroup[]> {
  const [doc] = (await documentsOf(ALERTS)) as [{ groups: RuleGroup[] }];
  expect(doc.groups.map((g) => g.name)).toEqual(['onboarder']);
  return doc.groups;
}
const alertRules = async () => (await ruleGroups())[0]!.rules;

describe('deploy/prometheus/alerts.yaml', () => {
  it('gives every rule a name, a duration, a severity, a summary and a description', async () => {
    const rules = await alertRules();
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Onboarder[A-Za-z]+$/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
  });

  it("holds behaviour.md's metric table, and the registry exports each of its metrics with their type and labels", async () => {
    // The names are the shared list of the tests; this table adds their types and labels, and the newer rows.
    expect(Object.keys(METRIC_TABLE)).toEqual(expect.arrayContaining([...CONTRACT_METRICS]));
    const { registry } = createMetrics();
    for (const [name, { type, labels }] of Object.entries(KNOWN_METRICS)) {
      const metric = registry.getSingleMetric(name) as unknown as { labelNames: string[]; get(): Promise<{ type: string }> } | undefined;
      expect(metric, name).toBeDefined();
      expect([...metric!.labelNames].sort(), name).toEqual([...labels].sort());
      expect((await metric!.get()).type, name).toBe(type);
    }
  });

  it('uses only the metric names and labels onboarder exports, and covers the ones alerts need', async () => {
    const knownLabels = new Set(Object.values(KNOWN_METRICS).flatMap((m) => m.labels));
    const used = new Set<string>();
    for (const rule of await alertRules()) {
      const text = [rule.expr, rule.annotations.summary, rule.annotations.description].join('\n');
      const reads = promqlReads(text);
      expect(reads.unknown, `${rule.alert}: metrics onboarder does not export`).toEqual([]);
      for (const metric of reads.metrics) used.add(metric);
      const labels = [...promqlReads(rule.expr).labels, ...[...text.matchAll(/\$labels\.(\w+)/g)].map((m) => m[1]!)];
      for (const label of labels) expect(knownLabels, `${rule.alert}: label ${label}`).toContain(label);
    }
    expect([...used]).toEqual(
      expect.arrayContaining([
        'onboarder_desired_state_valid',
        'onboarder_last_success_timestamp_seconds',
        'onboarder_reconcile_total',
        'onboarder_api_throttled_total',
        'onboarder_drift_objects',
        'onboarder_is_leader',
        'onboarder_customer_synced',
        'onboarder_secret_expiry_timestamp_seconds',
      ]),
    );
    expect(TARGET_LABELS).toContain('instance');
  });

  it('has a promtool unit test per alert that fires and one that does not', async () => {
    const { tests } = parse(await readFile(ALERT_TESTS, 'utf8')) as { tests: PromtoolCase[] };
    const cases = tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of await alertRules()) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert} firing`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert} not firing`).toBe(true);
    }
  });

  it('is what the PrometheusRule of the monitoring component holds (UPDATE_PROMETHEUS_RULE=1 rewrites it)', async () => {
    const groups = await ruleGroups();
    if (process.env.UPDATE_PROMETHEUS_RULE === '1') await writeFile(PROMETHEUS_RULE, prometheusRuleFrom(groups));
    const [rule] = (await documentsOf(PROMETHEUS_RULE)) as [{ kind: string; spec: { groups: RuleGroup[] } }];
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.spec.groups, `${path.basename(PROMETHEUS_RULE)} is stale: UPDATE_PROMETHEUS_RULE=1 npx vitest run test/deploy/alerts.test.ts`).toEqual(groups);
  });

  it.skipIf(!requireTool('promtool', INSTALL_HINTS.promtool))('passes promtool check rules and its unit tests (alerts.test.yaml)', async () => {
    const check = await exec('promtool', ['check', 'rules', ALERTS]);
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
    // Exits non-zero (and exec rejects) on a failed case.
    await exec('promtool', ['test', 'rules', ALERT_TESTS], { cwd: path.dirname(ALERT_TESTS) });
  });
});

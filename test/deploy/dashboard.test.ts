/**
 * The Grafana dashboard (components/monitoring/onboarder-dashboard.json): it
 * parses, each panel queries only metrics and labels onboarder exports, the
 * views the issue asks for are there, and every query is valid PromQL
 * (promtool, with Grafana's variables filled in).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DASHBOARD, KNOWN_METRICS, TARGET_LABELS, promqlReads } from '../support/deploy.js';
import { INSTALL_HINTS, requireTool } from '../support/tools.js';

const exec = promisify(execFile);

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string; query: string }[] };
  panels: Panel[];
}

async function dashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
}

/** The panels that query (rows only group them), collapsed rows' panels included. */
function queryPanels(board: Dashboard): Panel[] {
  return board.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** Grafana's interval variables as Prometheus sees them once Grafana has filled them in. */
function asPromql(expr: string): string {
  return expr.replaceAll('$__rate_interval', '2m').replaceAll('$__interval', '1m').replaceAll('$__range', '6h');
}

describe('the Grafana dashboard', () => {
  it('parses, and queries the Prometheus its datasource variable names', async () => {
    const board = await dashboard();
    expect(board).toMatchObject({ uid: 'onboarder', title: 'onboarder' });
    expect(board.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    const panels = queryPanels(board);
    expect(panels.length).toBeGreaterThanOrEqual(8);
    expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.datasource.uid, `${panel.title} ${target.refId}`).toBe('${datasource}');
    }
  });

  it('queries only metrics onboarder exports, by labels they have (or Prometheus adds)', async () => {
    for (const panel of queryPanels(await dashboard())) {
      for (const { refId, expr } of panel.targets!) {
        const where = `${panel.title} (${refId}): ${expr}`;
        const reads = promqlReads(expr);
        expect(reads.unknown, where).toEqual([]);
        expect(reads.metrics.length, where).toBeGreaterThan(0);
        const labels = new Set([...reads.metrics.flatMap((m) => KNOWN_METRICS[m]!.labels), ...TARGET_LABELS]);
        for (const label of reads.labels) expect(labels, `${where}: label ${label}`).toContain(label);
      }
    }
  });

  it('shows drift by customer and kind over time, sync status, reconciles, actions, the API, the revision and the leader', async () => {
    const panels = queryPanels(await dashboard());
    const showing = (type: string, pattern: RegExp) => panels.filter((p) => p.type === type && p.targets!.some((t) => pattern.test(t.expr)));
    expect(showing('timeseries', /by \(customer, kind\) \(.*onboarder_drift_objects/), 'drift by customer and kind over time').not.toEqual([]);
    expect(showing('table', /by \(customer\) \(onboarder_customer_synced\)/), 'a sync status table').not.toEqual([]);
    expect(showing('timeseries', /onboarder_reconcile_duration_seconds_bucket/), 'reconcile duration').not.toEqual([]);
    expect(showing('timeseries', /by \([^)]*\bresult\b[^)]*\) \(increase\(onboarder_actions_total/), 'actions by result').not.toEqual([]);
    expect(showing('timeseries', /by \(family[^)]*\) \(rate\(onboarder_api_requests_total/), 'API requests by family').not.toEqual([]);
    expect(showing('timeseries', /by \(family\) \(rate\(onboarder_api_throttled_total/), 'throttling by family').not.toEqual([]);
    expect(showing('table', /by \(revision\) \(onboarder_desired_state_revision_info\)/), 'the revision in force').not.toEqual([]);
    expect(showing('table', /by \(pod\) \(onboarder_is_leader\)/), 'the leader').not.toEqual([]);
  });

  it('lays the panels out without overlapping', async () => {
    const boxes = (await dashboard()).panels.map((p) => ({ title: p.title, ...p.gridPos }));
    for (const [i, a] of boxes.entries()) {
      expect(a.x + a.w, a.title).toBeLessThanOrEqual(24);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.title} and ${b.title}`).toBe(false);
      }
    }
  });

  it.skipIf(!requireTool('promtool', INSTALL_HINTS.promtool))('asks only valid PromQL (promtool check rules on each query as a recording rule)', async () => {
    const rules = queryPanels(await dashboard()).flatMap((panel) =>
      panel.targets!.map((t) => ({ record: `dashboard:panel_${panel.id}_${t.refId}`, expr: asPromql(t.expr) })),
    );
    const dir = await mkdtemp(path.join(tmpdir(), 'onboarder-dashboard-'));
    try {
      const file = path.join(dir, 'queries.yaml');
      await writeFile(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      const { stdout } = await exec('promtool', ['check', 'rules', file]);
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

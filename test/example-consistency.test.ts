/**
 * The bundled example is what a newcomer copies first, so it must describe
 * one real account: a workspace host, storage URLs and node types that all
 * belong to one cloud (an Azure host with s3:// locations and i3 nodes cannot
 * exist).
 */
import { describe, expect, it } from 'vitest';
import { loadExampleState } from './support/example-state.js';

type Cloud = 'aws' | 'azure' | 'gcp';

function cloudOfHost(host: string): Cloud | 'unknown' {
  const name = new URL(host).hostname;
  if (/\.cloud\.databricks\.(com|us)$/.test(name)) return 'aws';
  if (/\.(azuredatabricks\.net|databricks\.azure\.(us|cn))$/.test(name)) return 'azure';
  if (name.endsWith('.gcp.databricks.com')) return 'gcp';
  return 'unknown';
}

function cloudOfStorageUrl(url: string): Cloud | 'unknown' {
  const scheme = url.slice(0, url.indexOf('://'));
  if (scheme === 's3' || scheme === 's3a') return 'aws';
  if (scheme === 'abfss') return 'azure';
  if (scheme === 'gs') return 'gcp';
  return 'unknown';
}

/** AWS instance types read `family.size` (i3.xlarge), Azure VM sizes start `Standard_`, GCP machine types `family-class-n`. */
function cloudOfNodeType(nodeType: string): Cloud | 'unknown' {
  if (/^Standard_/.test(nodeType)) return 'azure';
  if (/^[a-z][a-z0-9]*\.[0-9]*[a-z]+$/.test(nodeType)) return 'aws';
  if (/^[a-z][a-z0-9]*-[a-z]+(-[0-9]+)?(-lssd)?$/.test(nodeType)) return 'gcp';
  return 'unknown';
}

/** Every node type a policy rule names: `value`, `values` and `defaultValue` of the node-type attributes. */
function nodeTypesOf(definition: Record<string, unknown>): string[] {
  return Object.entries(definition)
    .filter(([attribute]) => attribute === 'node_type_id' || attribute === 'driver_node_type_id')
    .flatMap(([, rule]) => {
      const { value, values, defaultValue } = rule as { value?: unknown; values?: unknown[]; defaultValue?: unknown };
      return [value, ...(values ?? []), defaultValue].filter((type): type is string => typeof type === 'string');
    });
}

describe('the bundled example (desired-state/)', () => {
  it('names one cloud in its workspace hosts, storage URLs and cluster-policy node types', async () => {
    const state = await loadExampleState();
    const hosts = state.workspaces.flatMap((workspace) => (workspace.host === undefined ? [] : [workspace.host]));
    const urls = state.customers.flatMap((customer) => customer.externalLocations.map((location) => location.url));
    const nodeTypes = state.customers.flatMap((customer) => customer.clusterPolicies.flatMap((policy) => nodeTypesOf(policy.definition)));
    // Each kind of evidence must be present, or the check below would pass on nothing.
    expect(hosts.length).toBeGreaterThan(0);
    expect(urls.length).toBeGreaterThan(0);
    expect(nodeTypes.length).toBeGreaterThan(0);

    const clouds = [
      ...hosts.map((host) => [`host ${host}`, cloudOfHost(host)]),
      ...urls.map((url) => [`storage URL ${url}`, cloudOfStorageUrl(url)]),
      ...nodeTypes.map((nodeType) => [`node type ${nodeType}`, cloudOfNodeType(nodeType)]),
    ];
    expect(clouds.filter(([, cloud]) => cloud === 'unknown')).toEqual([]);
    expect(new Set(clouds.map(([, cloud]) => cloud)), JSON.stringify(clouds)).toHaveProperty('size', 1);
  });
});

describe('telling clouds apart', () => {
  it('recognises each cloud by host, storage scheme and node type', () => {
    expect(['https://dbc-1a2b3c4d-5e6f.cloud.databricks.com', 'https://adb-1.7.azuredatabricks.net', 'https://1.2.gcp.databricks.com'].map(cloudOfHost)).toEqual(['aws', 'azure', 'gcp']);
    expect(['s3://b/p/', 'abfss://c@a.dfs.core.windows.net/p/', 'gs://b/p/'].map(cloudOfStorageUrl)).toEqual(['aws', 'azure', 'gcp']);
    expect(['i3.xlarge', 'm5d.2xlarge', 'Standard_DS3_v2', 'n2-highmem-4', 'n2-standard-4'].map(cloudOfNodeType)).toEqual(['aws', 'aws', 'azure', 'gcp', 'gcp']);
  });
});

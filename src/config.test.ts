import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

const configOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseConfig(argv, env, false).config!;

describe('parseConfig', () => {
  it('gives run its defaults: 10 min resync, port 8080, 20 s grace, no election', () => {
    expect(configOf(['run'])).toMatchObject({
      command: 'run',
      dir: 'desired-state',
      resyncIntervalMs: 600_000,
      port: 8080,
      shutdownGraceMs: 20_000,
      passTimeoutMs: 15 * 60_000,
      leaderElect: false,
      leaseName: 'onboarder',
      leaseNamespace: undefined,
    });
  });

  it('reads durations and run flags from flags, and from ONBOARDER_* variables when no flag is given', () => {
    expect(configOf(['run', '/git/link', '--resync-interval=30s', '--port=9090', '--leader-elect', '--lease-namespace=ops'])).toMatchObject({
      dir: '/git/link',
      resyncIntervalMs: 30_000,
      port: 9090,
      leaderElect: true,
      leaseNamespace: 'ops',
    });
    const env = { ONBOARDER_RESYNC_INTERVAL: '1h', ONBOARDER_SHUTDOWN_GRACE: '500ms', ONBOARDER_LEADER_ELECT: 'true', ONBOARDER_DIR: '/x' };
    expect(configOf(['run'], env)).toMatchObject({ dir: '/x', resyncIntervalMs: 3_600_000, shutdownGraceMs: 500, leaderElect: true });
    expect(configOf(['run', '--resync-interval=2m'], env).resyncIntervalMs).toBe(120_000);
    expect(configOf(['apply', '--pass-timeout=90s']).passTimeoutMs).toBe(90_000);
    expect(configOf(['plan'], { ONBOARDER_PASS_TIMEOUT: '2m' }).passTimeoutMs).toBe(120_000);
    expect(() => configOf(['run', '--pass-timeout=soon'])).toThrow(/passTimeoutMs: must be a duration/);
  });

  it('refuses a malformed duration, port or lease name, naming the setting', () => {
    expect(() => configOf(['run', '--resync-interval=10'])).toThrow(/resyncIntervalMs: must be a duration such as 500ms, 30s, 10m or 1h/);
    expect(() => configOf(['run', '--resync-interval=0s'])).toThrow(/resyncIntervalMs: must be longer than 0/);
    expect(() => configOf(['run', '--port=70000'])).toThrow(/port/);
    expect(() => configOf(['run', '--lease-name=Not_A_Name'])).toThrow(/leaseName: must be a Kubernetes object name/);
    expect(() => configOf(['deploy'])).toThrow(/unknown command "deploy"/);
  });

  it('takes credentials only from the standard Databricks variables, one method at a time', () => {
    expect(configOf(['plan'], { DATABRICKS_TOKEN: 'dapi-x' }).databricks.credentials?.type).toBe('pat');
    expect(() => configOf(['plan'], { DATABRICKS_TOKEN: 'dapi-x', DATABRICKS_CLIENT_ID: 'id' })).toThrow(/more than one authorization method/);
    expect(() => configOf(['plan'], { DATABRICKS_CLIENT_ID: 'id' })).toThrow(/needs both DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET/);
  });

  it('turns --mode=observe into every kind, and --observe-kinds into the kinds named, singular or plural', () => {
    expect(configOf(['apply']).observeKinds.size).toBe(0);
    expect(configOf(['apply', '--mode=observe']).observeKinds.size).toBeGreaterThan(10);
    expect([...configOf(['apply', '--observe-kinds=notebooks, grants,cluster-policies,membership']).observeKinds].sort()).toEqual([
      'cluster-policy',
      'grants',
      'membership',
      'notebook',
    ]);
  });
});

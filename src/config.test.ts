import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { isTrustedUrl } from './domain/host-trust.js';

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
    expect(() => configOf(['run', '--pass-timeout=soon'])).toThrow(/^--pass-timeout: expected a duration such as 500ms, 30s, 10m or 1h, got "soon"$/);
  });

  it('refuses a malformed duration, port or lease name, naming the setting', () => {
    expect(() => configOf(['run', '--resync-interval=10'])).toThrow(/^--resync-interval: expected a duration such as 500ms, 30s, 10m or 1h, got "10"$/);
    expect(() => configOf(['run', '--resync-interval=0s'])).toThrow(/^--resync-interval: expected a duration longer than 0, got "0s"$/);
    expect(() => configOf(['run', '--port=abc'])).toThrow(/^--port: expected a number, got "abc"$/);
    expect(() => configOf(['run', '--port=70000'])).toThrow(/^--port: expected a number from 0 to 65535, got "70000"$/);
    expect(() => configOf(['run', '--lease-name=Not_A_Name'])).toThrow(/^--lease-name: expected a Kubernetes object name .*, got "Not_A_Name"$/);
    expect(() => configOf(['deploy'])).toThrow(/unknown command "deploy"/);
  });

  it('reads the request deadline from --request-timeout or ONBOARDER_REQUEST_TIMEOUT (default 60 s), refusing a malformed one by name', () => {
    expect(configOf(['plan']).requestTimeoutMs).toBe(60_000);
    expect(configOf(['plan', '--request-timeout=90s']).requestTimeoutMs).toBe(90_000);
    expect(configOf(['plan'], { ONBOARDER_REQUEST_TIMEOUT: '500ms' }).requestTimeoutMs).toBe(500);
    expect(configOf(['plan', '--request-timeout=2m'], { ONBOARDER_REQUEST_TIMEOUT: '500ms' }).requestTimeoutMs).toBe(120_000);
    expect(() => configOf(['plan', '--request-timeout=soon'])).toThrow(/^--request-timeout: expected a duration/);
    // From the variable, the message names the variable first, then the flag it stands for.
    expect(() => configOf(['plan'], { ONBOARDER_REQUEST_TIMEOUT: '0ms' })).toThrow(/^ONBOARDER_REQUEST_TIMEOUT \(--request-timeout\): expected a duration longer than 0, got "0ms"$/);
  });

  it('takes --confirm-deletions (or ONBOARDER_CONFIRM_DELETIONS) for plan and apply only, as a token', () => {
    expect(configOf(['apply']).confirmDeletions).toBeUndefined();
    expect(configOf(['apply', '--confirm-deletions=0123456789ab']).confirmDeletions).toBe('0123456789ab');
    expect(configOf(['plan'], { ONBOARDER_CONFIRM_DELETIONS: 'abcdef012345' }).confirmDeletions).toBe('abcdef012345');
    expect(() => configOf(['apply', '--confirm-deletions=yes'])).toThrow('--confirm-deletions: expected the token a blocked plan prints (12 hex digits), got "yes"');
    // A confirmation kept by the controller would be the guard turned off for good: run and demo do not take the flag,
    // and ignore the variable like every variable of a flag they do not take (their Config has no token at all).
    expect(() => configOf(['run', '--confirm-deletions=0123456789ab'])).toThrow('--confirm-deletions is not a flag of run');
    expect(configOf(['run'], { ONBOARDER_CONFIRM_DELETIONS: '0123456789ab' }).confirmDeletions).toBeUndefined();
    expect(() => configOf(['demo', '--confirm-deletions=0123456789ab'])).toThrow('--confirm-deletions is not a flag of demo');
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

  it('trusts Databricks\' domains, the configured hosts and --allowed-hosts, from the flag or else the variable', () => {
    const env = { DATABRICKS_HOST: 'http://127.0.0.1:5555', DATABRICKS_ACCOUNT_HOST: 'https://accounts.example.org', ONBOARDER_ALLOWED_HOSTS: 'env.example.com' };
    const trusts = (argv: string[], url: string) => isTrustedUrl(new URL(url), configOf(argv, env).databricks.trustedHosts);
    expect(trusts(['plan'], 'https://adb-1.azuredatabricks.net')).toBe(true);
    expect(trusts(['plan'], 'http://127.0.0.1:5555')).toBe(true);
    expect(trusts(['plan'], 'http://127.0.0.1:5556')).toBe(false);
    expect(trusts(['plan'], 'https://accounts.example.org')).toBe(true);
    expect(trusts(['plan'], 'https://env.example.com')).toBe(true);
    expect(trusts(['plan', '--allowed-hosts=*.flag.example.com, [::1]:8443'], 'https://a.flag.example.com')).toBe(true);
    expect(trusts(['plan', '--allowed-hosts=*.flag.example.com, [::1]:8443'], 'http://[::1]:8443')).toBe(true);
    // The flag replaces the variable, as for every other setting.
    expect(trusts(['plan', '--allowed-hosts=*.flag.example.com'], 'https://env.example.com')).toBe(false);
    expect(isTrustedUrl(new URL('http://127.0.0.1:5555'), configOf(['plan']).databricks.trustedHosts)).toBe(false);
  });

  it('refuses bad --allowed-hosts entries, naming the flag and every bad entry', () => {
    expect(() => configOf(['plan', '--allowed-hosts=ok.example.com,https://x.example.com,*.com'])).toThrow(
      /^--allowed-hosts: "https:\/\/x\.example\.com" must be host\[:port\] or \*\.domain, without a scheme, path or user; "\*\.com" is too broad/,
    );
    expect(() => configOf(['plan'], { ONBOARDER_ALLOWED_HOSTS: 'host:70000' })).toThrow(/^ONBOARDER_ALLOWED_HOSTS \(--allowed-hosts\): "host:70000" has a port outside 1-65535/);
    expect(() => configOf(['plan'], { DATABRICKS_HOST: 'https://exa mple.com' })).toThrow(/^DATABRICKS_HOST is not a valid URL$/);
  });

  it('binds the HTTP server to all interfaces unless --bind-address names one', () => {
    expect(configOf(['run']).bindAddress).toBe('0.0.0.0');
    expect(configOf(['run', '--bind-address=127.0.0.1']).bindAddress).toBe('127.0.0.1');
    expect(configOf(['run'], { ONBOARDER_BIND_ADDRESS: '::' }).bindAddress).toBe('::');
    expect(configOf(['run'], { ONBOARDER_BIND_ADDRESS: 'localhost' }).bindAddress).toBe('localhost');
    expect(() => configOf(['run', '--bind-address=http://0.0.0.0'])).toThrow(/^--bind-address: expected an IP address or host name .*, got "http:\/\/0\.0\.0\.0"$/);
    expect(() => configOf(['run', '--bind-address='])).toThrow(/--bind-address/);
  });
});

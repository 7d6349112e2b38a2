/**
 * `plan` through main() against a server that never finishes its answers:
 * the command ends within the request deadline's reach with a clear error
 * instead of hanging, and an answer far over the size cap ends it at once.
 */
import { performance } from 'node:perf_hooks';
import { describe, it, type TestContext } from 'vitest';
import { copyWithoutHosts, runCli } from '../support/harness.js';
import { startHostileServer, type Hostility } from '../support/hostile-server.js';

const TOKEN = 'dapi-hostile-test-token-0123456789';

async function planAgainst(hostility: Hostility, test: TestContext, requestTimeout = '400ms') {
  const server = await startHostileServer(hostility);
  test.onTestFinished(() => server.close());
  const dir = await copyWithoutHosts();
  const env = {
    DATABRICKS_ACCOUNT_HOST: server.url,
    DATABRICKS_HOST: server.url,
    // Trusted explicitly too: the allowlist of credential hosts names both.
    ONBOARDER_ALLOWED_HOSTS: server.host,
    DATABRICKS_ACCOUNT_ID: '00000000-0000-0000-0000-000000000001',
    DATABRICKS_TOKEN: TOKEN,
    ONBOARDER_INVENTORY_WORKSPACE: 'prod',
    ONBOARDER_RATE_LIMITS: 'none',
    ONBOARDER_LOG_LEVEL: 'debug',
    ONBOARDER_REQUEST_TIMEOUT: requestTimeout,
  };
  const started = performance.now();
  const run = await runCli(['plan', dir], env);
  return { run, server, seconds: (performance.now() - started) / 1000 };
}

// Concurrently: each waits out up to six deadlines and their backoff, and they share nothing.
describe.concurrent('plan against a hostile server', () => {
  it.for([
    ['trickles its body a byte every 200 ms', 'trickle'],
    ['never ends its body', 'endless'],
    ['never sends headers', 'silent'],
  ] as const)('ends with REQUEST_TIMEOUT when the server %s', async ([, hostility], test) => {
    const { expect } = test;
    const { run, server, seconds } = await planAgainst(hostility, test);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^onboarder: \w+ \/\S+ failed: REQUEST_TIMEOUT: no complete answer from [\w-]+ within the 400 ms request deadline \(--request-timeout\)$/m);
    // A read is retried (at most 6 attempts of 400 ms, backoff under 10 s in all): far from hanging for ever.
    expect(seconds).toBeLessThan(30);
    expect(server.requests).toBeGreaterThan(1);
    expect(run.stderr + run.logs).not.toContain(TOKEN);
  });

  it('ends with RESPONSE_TOO_LARGE, not retried, when the answer would be 1 GiB', async (test) => {
    const { expect } = test;
    // A deadline long enough for 32 MiB to arrive on a busy machine: the cap must be what stops it.
    const { run, server, seconds } = await planAgainst('huge', test, '20s');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^onboarder: \w+ \/\S+ failed: RESPONSE_TOO_LARGE: the [\w-]+ answer \(HTTP 200\) is over the 32 MiB response cap; reading stopped at [\d.]+ \w+$/m);
    // Not retried: no request was made twice (the plan may have had a second read under way).
    expect(new Set(server.requestLines).size).toBe(server.requests);
    expect(server.bytesSent).toBeLessThan(128 * 1024 * 1024);
    expect(seconds).toBeLessThan(30);
  });
});

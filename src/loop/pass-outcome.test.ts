// Promise: what a pass came to is decided in one place, and nothing thrown is taken for "live state could not be read" by default.
import { describe, expect, it } from 'vitest';
import { ApiError, ConfigError, DesiredStateError } from '../domain/errors.js';
import type { Action } from '../domain/plan.js';
import { outcomeOfError, outcomeOfResult } from './pass-outcome.js';
import type { PassResult } from './reconciler.js';

const itemOf = (action: Action) => action.customer ?? 'account';
const action = (customer: string | null) => ({ customer }) as Action;
const result = (outcomes: [string | null, 'succeeded' | 'failed' | 'skipped'][], stopped?: string) =>
  ({
    report: { results: outcomes.map(([customer, outcome]) => ({ action: action(customer), outcome, seconds: 0 })), succeeded: 0, failed: 0, skipped: 0 },
    ...(stopped === undefined ? {} : { stopped }),
  }) as unknown as PassResult;
const apiError = (status: number) =>
  new ApiError({ family: 'account-scim', method: 'GET', path: '/Groups', status, errorCode: status === 403 ? 'PERMISSION_DENIED' : 'TEMPORARILY_UNAVAILABLE', apiMessage: 'no', retryable: status >= 500 });

describe('outcomeOfResult', () => {
  it('is done, with the items whose actions failed (once each, sorted) to back off', () => {
    const outcome = outcomeOfResult(result([['globex', 'failed'], ['acme', 'succeeded'], [null, 'failed'], ['globex', 'failed']]), itemOf);
    expect(outcome).toMatchObject({ type: 'done', failedItems: ['account', 'globex'] });
  });

  it('is a retry when the pass was cut short after its actions ran', () => {
    expect(outcomeOfResult(result([['acme', 'succeeded']], 'the pass did not finish within its deadline'), itemOf)).toMatchObject({
      type: 'retry',
      reason: 'the pass did not finish within its deadline',
    });
  });
});

describe('outcomeOfError', () => {
  it('rejects a plan whose desired state names what the account lacks', () => {
    const issue = { file: 'a.yaml', line: 1, column: 1, path: 'spec', message: 'no such credential' };
    expect(outcomeOfError(new DesiredStateError([issue as never]), undefined)).toEqual({ type: 'rejected', issues: [issue] });
  });

  it('does not retry with backoff what only a change of configuration or rights can mend', () => {
    expect(outcomeOfError(new ConfigError('set --inventory-workspace'), undefined)).toMatchObject({ type: 'terminal', reason: 'set --inventory-workspace' });
    expect(outcomeOfError(apiError(403), undefined)).toMatchObject({ type: 'terminal' });
    expect(outcomeOfError(apiError(401), undefined)).toMatchObject({ type: 'terminal' });
  });

  it('retries the rest with backoff, and says why a stopped pass stopped rather than which request was cancelled', () => {
    expect(outcomeOfError(apiError(503), undefined)).toMatchObject({ type: 'retry' });
    expect(outcomeOfError(new Error('socket hang up'), undefined)).toMatchObject({ type: 'retry', reason: 'socket hang up' });
    expect(outcomeOfError(apiError(403), 'shutting down')).toEqual({ type: 'retry', reason: 'shutting down' });
  });
});

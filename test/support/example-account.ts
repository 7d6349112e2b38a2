/**
 * The usual end-to-end setting: a fresh simulated account and a private copy
 * of the bundled example for every test, with the CLI's plan and apply bound
 * to them.
 */
import { afterEach, beforeEach } from 'vitest';
import { copyWithoutHosts, runCli, startSimulatedAccount, type CliRun, type SimulatedAccount } from './harness.js';

export interface ExampleAccount {
  account: SimulatedAccount;
  /** The copy of the example, free to edit. */
  dir: string;
  plan(...flags: string[]): Promise<CliRun>;
  apply(): Promise<CliRun>;
}

/** Fresh per test; the fields are filled in `beforeEach`. */
export function useExampleAccount(): ExampleAccount {
  const fixture: ExampleAccount = {
    account: undefined as unknown as SimulatedAccount,
    dir: '',
    plan: (...flags) => runCli(['plan', fixture.dir, ...flags], fixture.account.env),
    apply: () => runCli(['apply', fixture.dir], fixture.account.env),
  };
  beforeEach(async () => {
    fixture.account = await startSimulatedAccount();
    fixture.dir = await copyWithoutHosts();
  });
  afterEach(() => fixture.account.close());
  return fixture;
}

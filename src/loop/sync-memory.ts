/**
 * What the controller remembers between passes to tell each customer's sync
 * status (report/sync-status.ts decides it): the drift of the last pass,
 * which customers that pass covered, the error a customer backs off after,
 * and when each customer was last Synced. Decided once per pass (and when a
 * revision loads), so the metric and the page always agree.
 */
import type { DriftItem } from '../report/drift.js';
import { customerSyncs, type CustomerSync } from '../report/sync-status.js';

export interface SyncMemory {
  /** After a pass under a revision declaring `declared`; `backoffUntil` as the pass left it. */
  passEnded(pass: { declared: readonly string[]; drift: DriftItem[]; backoffUntil: ReadonlyMap<string, Date>; at: Date }): void;
  /** A new revision is in force: its customers, the new ones not reconciled yet. */
  revisionLoaded(declared: readonly string[]): void;
  drift(): DriftItem[];
  customers(): CustomerSync[];
}

export function createSyncMemory(): SyncMemory {
  let declared: readonly string[] = [];
  let drift: DriftItem[] = [];
  let reconciled = new Set<string>();
  let backoffUntil: ReadonlyMap<string, Date> = new Map();
  const lastErrors = new Map<string, string>();
  const lastSyncedAt = new Map<string, Date>();
  let customers: CustomerSync[] = [];

  const decide = () => {
    customers = customerSyncs({ declared, drift, reconciled, backoffUntil, lastErrors, lastSyncedAt });
  };

  return {
    passEnded(pass) {
      declared = pass.declared;
      drift = pass.drift;
      reconciled = new Set(pass.declared);
      backoffUntil = pass.backoffUntil;
      const failures = new Map<string, string>();
      for (const item of drift) if (item.state === 'failed' && !failures.has(item.customer)) failures.set(item.customer, item.reason ?? item.errorCode ?? 'failed');
      // A customer's error stays while it backs off after it; once it is retried and no longer fails, it is history.
      for (const customer of [...lastErrors.keys()]) if (!failures.has(customer) && !backoffUntil.has(customer)) lastErrors.delete(customer);
      for (const [customer, error] of failures) lastErrors.set(customer, error);
      decide();
      for (const customer of customers) if (customer.status === 'Synced') lastSyncedAt.set(customer.name, pass.at);
      const listed = new Set(customers.map((c) => c.name));
      for (const name of [...lastSyncedAt.keys()]) if (!listed.has(name)) lastSyncedAt.delete(name);
      decide();
    },
    revisionLoaded(next) {
      declared = next;
      decide();
    },
    drift: () => drift,
    customers: () => customers,
  };
}

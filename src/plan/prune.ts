/**
 * Pruning: objects the inventory owns that the desired state no longer
 * declares. Each one that exists gets a delete action; each one that is gone
 * already, or is not onboarder's to delete, is released (the inventory
 * forgets it). One that could not be observed stays owned and untouched.
 * Pure: (desired, live, inventory) -> actions + released.
 *
 * What to do with each object is its kind's (src/kinds: `ownership.prune`);
 * this module walks the objects in the order their deletes run (children
 * first, so a catalog's delete can wait for its schemas'), and decides what
 * an absence means. Schemas of a catalog that is still declared are the
 * Unity Catalog diff's (their grants are revoked first).
 *
 * Absence from a list is trusted only once the record is old: lists are
 * eventually consistent (an object created a moment ago may be missing from
 * them), so a group, warehouse, cluster policy or schema recorded less than
 * RELEASE_AFTER_MS ago that its list does not show stays owned, and a later
 * pass deletes or releases it. Were it released, it would be orphaned: never
 * declared, never owned, never pruned. Catalogs, locations and notebooks are
 * read one by one, and a direct read's 404 is trusted at once.
 *
 * Deletes never force: a catalog or schema someone filled with tables of
 * their own, or a location tables still use, refuses the delete, and the
 * refusal is reported on every pass instead of data being lost.
 */
import { buildAction, waveFor } from '../domain/action-key.js';
import { protectedGroupPatterns, type DesiredState } from '../domain/desired.js';
import type { Inventory, OwnedObject } from '../domain/inventory.js';
import type { LiveState } from '../domain/live.js';
import type { Action } from '../domain/plan.js';
import { leavingObjects, ownershipOf } from '../kinds/registry.js';

/** Longer than any list lag seen in practice (seconds); short enough that a stale record does not linger. */
export const RELEASE_AFTER_MS = 15 * 60_000;

export interface PruneResult {
  actions: Action[];
  released: OwnedObject[];
}

/** `now`: epoch milliseconds, for the age of a record (an input, so the diff stays pure). */
export function diffPrune(desired: DesiredState, live: LiveState, inventory: Inventory, now: number): PruneResult {
  const result: PruneResult = { actions: [], released: [] };
  const view = { desired, live, protectedPatterns: protectedGroupPatterns(desired), planned: result.actions };
  // Children first, the order their deletes run in: a kind's rule sees the deletes that run before its own.
  const leaving = [...leavingObjects(desired, inventory)].sort((a, b) => waveFor(a.kind, 'delete') - waveFor(b.kind, 'delete'));
  for (const object of leaving) {
    const ownership = ownershipOf(object.kind);
    const decision = ownership.prune(object, view);
    switch (decision.outcome) {
      case 'delete':
        result.actions.push(
          buildAction({
            kind: object.kind,
            change: 'delete',
            customer: object.customer,
            target: decision.target,
            before: decision.before,
            after: null,
            details: ['no longer declared; onboarder created or adopted it'],
            dependsOn: decision.dependsOn ?? [],
            status: 'pending',
            op: decision.op,
          }),
        );
        break;
      case 'release':
        result.released.push(object);
        break;
      case 'absent': {
        // Not seen live: released, once its record is old enough to trust the absence where a list could lag.
        const recordedAt = object.recordedAt === undefined ? Number.NaN : Date.parse(object.recordedAt);
        if (!ownership.listed || Number.isNaN(recordedAt) || now - recordedAt >= RELEASE_AFTER_MS) result.released.push(object);
        break;
      }
      case 'keep':
        break;
    }
  }
  return result;
}

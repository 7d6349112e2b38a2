/**
 * What the inventory says after a pass (pure). It is written only after the
 * actions it records have run, and records only what they achieved:
 *
 * - a declared object is owned once it exists: it needed no create, or its
 *   create ran this pass. A create that failed counts too, because a failure
 *   may hide a success (an answer lost to a dropped connection or a timeout,
 *   a 409 from a retry whose object a lagging list does not show yet). Were
 *   it left out, the object would be orphaned the moment the desired state
 *   dropped it. Owning an object that does not exist costs nothing: the next
 *   pass finds it absent and releases it. A create that never ran (skipped,
 *   waiting, held) claims nothing;
 * - an owned object leaves the inventory only when its delete succeeded, or
 *   the plan released it (gone already, or not onboarder's to delete);
 * - everything else stays as it was: a failed or held delete is retried on
 *   the next pass, an object that could not be observed stays owned.
 */
import type { ActionResult } from '../domain/apply-report.js';
import type { DesiredState } from '../domain/desired.js';
import { normaliseInventory, ownedKey, type Inventory, type OwnedObject } from '../domain/inventory.js';
import type { Action, Plan } from '../domain/plan.js';
import { declaredObjects, ownedTarget } from '../kinds/registry.js';

/** Each operation's own rule says what it creates or deletes (src/kinds). */
export { ownedTarget };

/** `now` stamps what is recorded for the first time. */
export function nextInventory(previous: Inventory, desired: DesiredState, plan: Plan, results: readonly ActionResult[], now: Date): Inventory {
  const succeeded = new Set(results.filter((r) => r.outcome === 'succeeded').map((r) => r.action.id));
  const attempted = new Set(results.filter((r) => r.outcome !== 'skipped').map((r) => r.action.id));
  const creates = new Map<string, Action>();
  const deletes = new Map<string, Action>();
  for (const action of plan.actions) {
    const target = ownedTarget(action.op);
    if (!target) continue;
    if (action.change === 'create') creates.set(ownedKey(target), action);
    if (action.change === 'delete') deletes.set(ownedKey(target), action);
  }
  const released = new Set((plan.released ?? []).map(ownedKey));
  const previousByKey = new Map(previous.objects.map((o) => [ownedKey(o), o]));

  const objects: OwnedObject[] = [];
  for (const object of declaredObjects(desired)) {
    const key = ownedKey(object);
    const create = creates.get(key);
    const known = previousByKey.get(key);
    // A create that ran restarts the clock: its object may be missing from a lagging list for a while.
    if (create && attempted.has(create.id)) objects.push({ ...object, recordedAt: now.toISOString() });
    else if (!create) objects.push({ ...object, recordedAt: known?.recordedAt ?? now.toISOString() });
    else if (known) objects.push(known);
  }
  const declared = new Set(objects.map(ownedKey));
  for (const [key, object] of previousByKey) {
    if (declared.has(key) || released.has(key)) continue;
    const remove = deletes.get(key);
    if (remove && succeeded.has(remove.id)) continue;
    objects.push(object);
  }
  return normaliseInventory(objects);
}

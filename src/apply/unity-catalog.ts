/**
 * Carries out Unity Catalog operations through each customer's home
 * workspace. Creates adopt an object that already exists (a retry after a
 * lost answer, or a 409), so a crash mid-apply never leaves duplicates.
 *
 * Grants to a principal created moments ago can fail with
 * PRINCIPAL_DOES_NOT_EXIST while identity propagates to Unity Catalog
 * (reference §4.5). That is retried with backoff within a bound and then
 * reported as "not yet visible", which differs from a principal the account
 * really lacks: the account is asked which of the two it is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../domain/errors.js';
import { unhandled, type UnityCatalogOperation } from '../domain/plan.js';
import type { UnityCatalog } from '../live/unity-catalog.js';
import { createOrAdopt } from './adopt.js';

export type UnityCatalogWrites = Pick<
  UnityCatalog,
  | 'getCatalog'
  | 'createCatalog'
  | 'updateCatalog'
  | 'deleteCatalog'
  | 'deleteExternalLocation'
  | 'listSchemas'
  | 'createSchema'
  | 'updateSchema'
  | 'deleteSchema'
  | 'updateBindings'
  | 'getExternalLocation'
  | 'createExternalLocation'
  | 'updateExternalLocation'
  | 'updateGrants'
>;

export interface UnityCatalogRunnerOptions {
  /** The client for a home workspace, by workspace name. */
  client(via: string): UnityCatalogWrites;
  /** Whether the account has a principal of this Unity Catalog name (group name, user name or application id). */
  principalExists(name: string): Promise<boolean>;
  /** How long a grant waits for a new principal to become visible to Unity Catalog. */
  visibilityTimeoutMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

/** A principal the account has but Unity Catalog cannot see yet; the next reconcile retries. */
export class PrincipalNotVisibleError extends Error {
  readonly code = 'PRINCIPAL_NOT_VISIBLE';
  constructor(readonly principal: string, waitedMs: number) {
    super(
      `${principal} exists in the account but is not yet visible to Unity Catalog after ${Math.round(waitedMs / 1000)} s ` +
        '(identity still propagating); the grant is retried on the next reconcile',
    );
    this.name = 'PrincipalNotVisibleError';
  }
}

export function createUnityCatalogRunner(options: UnityCatalogRunnerOptions): (op: UnityCatalogOperation) => Promise<void> {
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 60_000;

  const grantWhenVisible = async (write: () => Promise<void>, principals: readonly string[]) => {
    let waited = 0;
    // The account is asked once per principal: it does not change its answer between retries.
    const known = new Set<string>();
    for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof ApiError && error.errorCode === 'PRINCIPAL_DOES_NOT_EXIST')) throw error;
        const principal = missingPrincipal(error, principals);
        if (!known.has(principal) && !(await options.principalExists(principal))) {
          throw new Error(`principal ${principal} does not exist in the account (${error.message})`, { cause: error });
        }
        known.add(principal);
        if (waited + delay > visibilityTimeoutMs) throw new PrincipalNotVisibleError(principal, waited);
        await wait(delay);
        waited += delay;
      }
    }
  };

  return async (op) => {
    const uc = options.client(op.via);
    switch (op.type) {
      case 'createCatalog': {
        const comment = op.comment === undefined ? {} : { comment: op.comment };
        const { adopted } = await createOrAdopt(
          () => uc.createCatalog({ name: op.name, ...comment }),
          () => uc.getCatalog(op.name),
        );
        // An adopted object gets the declared fields the create would have set.
        if (adopted && op.comment !== undefined) await uc.updateCatalog(op.name, comment);
        return;
      }
      case 'updateCatalog':
        await uc.updateCatalog(op.name, { comment: op.comment });
        return;
      case 'setCatalogIsolation':
        await uc.updateCatalog(op.name, { isolation: op.isolation });
        return;
      case 'createSchema': {
        const comment = op.comment === undefined ? {} : { comment: op.comment };
        // Also the `default` schema, which every new catalog already has.
        const { adopted } = await createOrAdopt(
          () => uc.createSchema({ catalogName: op.catalog, name: op.name, ...comment }),
          async () => (await uc.listSchemas(op.catalog)).find((s) => s.name.toLowerCase() === op.name.toLowerCase()),
        );
        if (adopted && op.comment !== undefined) await uc.updateSchema(`${op.catalog}.${op.name}`, comment);
        return;
      }
      case 'updateSchema':
        await uc.updateSchema(op.fullName, { comment: op.comment });
        return;
      case 'deleteSchema':
        // Never with force: a schema that still holds tables is reported, not emptied.
        return uc.deleteSchema(op.fullName);
      case 'deleteCatalog':
        // Never with force either: a catalog that holds schemas onboarder did not make is reported, not emptied.
        return uc.deleteCatalog(op.name);
      case 'deleteExternalLocation':
        // Without force, a location that tables or volumes still use refuses the delete.
        return uc.deleteExternalLocation(op.name);
      case 'updateBindings':
        return uc.updateBindings('catalog', op.catalog, {
          add: op.add.map((b) => ({ workspaceId: b.workspaceId, bindingType: b.bindingType })),
          remove: op.remove.map((b) => b.workspaceId),
        });
      case 'createExternalLocation': {
        const fields = { url: op.url, credentialName: op.credential, readOnly: op.readOnly, ...(op.comment === undefined ? {} : { comment: op.comment }) };
        const { adopted } = await createOrAdopt(
          () => uc.createExternalLocation({ name: op.name, ...fields }),
          () => uc.getExternalLocation(op.name),
        );
        if (adopted) await uc.updateExternalLocation(op.name, fields);
        return;
      }
      case 'updateExternalLocation': {
        const { credential, ...rest } = op.patch;
        await uc.updateExternalLocation(op.name, { ...rest, ...(credential === undefined ? {} : { credentialName: credential }) });
        return;
      }
      case 'updateGrants':
        return grantWhenVisible(
          () => uc.updateGrants(op.securable.type, op.securable.fullName, op.changes),
          op.changes.filter((c) => c.add.length > 0).map((c) => c.principal),
        );
      default:
        return unhandled(op, 'operation');
    }
  };
}

/** "Could not find principal with name X" names the principal; otherwise the first one granted to. */
function missingPrincipal(error: ApiError, candidates: readonly string[]): string {
  const named = /principal with name (.+?)\.?$/i.exec(error.details.apiMessage)?.[1];
  return named ?? candidates[0] ?? 'unknown principal';
}

/**
 * What every part of the simulated metastore shares: who writes (the
 * seeded controller), audit fields, ids, principals as Unity Catalog names
 * them, the grant and binding stores, and the naming rules (reference §4).
 */
import { GrantStore, principalNotFound } from './uc-grants.js';
import type { SecurableType } from './uc-privileges.js';
import type { SimulatorState } from './state.js';
import { SimulatorStateError } from './state-error.js';
import { BindingStore } from './uc-bindings.js';
import type { UcAudit, UcSchema, UnityCatalogOptions } from './uc-types.js';

type Identity = Pick<SimulatorState, 'controller' | 'findUser' | 'findGroup' | 'servicePrincipals' | 'workspace'>;

export const METASTORE_ID = '3e7a5704-0000-4000-8000-00000000c0de';
/** Built-in account-wide group UC accepts as a principal. */
export const ACCOUNT_USERS = 'account users';

export abstract class UcStateCore {
  readonly metastoreId = METASTORE_ID;
  protected readonly now: () => number;
  private readonly propagationMs: () => number;
  private nextId = 1;
  protected readonly grantStore = new GrantStore();
  protected readonly bindingStore = new BindingStore();

  constructor(
    protected readonly identity: Identity,
    options: UnityCatalogOptions,
  ) {
    this.now = options.now;
    this.propagationMs = options.principalPropagationMs;
  }

  // ---- principals --------------------------------------------------------------

  /** Account-level names only (workspace `users`/`admins` are not); undefined while still propagating. */
  resolvePrincipal(name: string): string | undefined {
    if (name.toLowerCase() === ACCOUNT_USERS) return ACCOUNT_USERS;
    const wanted = name.toLowerCase();
    const principal =
      this.identity.findUser(name) ??
      this.identity.findGroup(name) ??
      this.identity.servicePrincipals.find((sp) => sp.applicationId.toLowerCase() === wanted);
    // The seeded controller predates the simulator, so it has always propagated.
    const fresh = principal !== undefined && principal.id !== this.identity.controller.id && this.now() - principal.createdAt < this.propagationMs();
    if (!principal || fresh) return undefined;
    return principal.kind === 'user' ? principal.userName : principal.kind === 'group' ? principal.displayName : principal.applicationId;
  }

  // ---- internals -----------------------------------------------------------------------

  protected get caller(): string {
    return this.identity.controller.applicationId;
  }
  protected audit(): UcAudit {
    const at = this.now();
    return { createdAt: at, createdBy: this.caller, updatedAt: at, updatedBy: this.caller };
  }
  protected touch<T extends UcAudit>(record: T): T {
    record.updatedAt = this.now();
    record.updatedBy = this.caller;
    return record;
  }
  /** Deterministic UUIDs keep runs reproducible. */
  protected allocateId(): string {
    return `0c000000-0000-4000-8000-${(this.nextId++).toString(16).padStart(12, '0')}`;
  }
  protected requirePrincipal(name: string): string {
    const resolved = this.resolvePrincipal(name);
    if (resolved === undefined) throw principalNotFound(name);
    return resolved;
  }
}

export function key(type: SecurableType, name: string): string {
  return `${type}/${name.toLowerCase()}`;
}
export function fullName(schema: UcSchema): string {
  return `${schema.catalogName}.${schema.name}`;
}
export function sortByName<T extends { name: string }>(records: T[], by: (record: T) => string = (record) => record.name): T[] {
  return records.sort((a, b) => (by(a) < by(b) ? -1 : by(a) > by(b) ? 1 : 0));
}
export function setText(record: { comment?: string }, field: 'comment', value: string | undefined): void {
  if (value === undefined) return;
  if (value === '') delete record[field];
  else record[field] = value;
}
/**
 * UC names may not contain dots, spaces, slashes or control characters, and
 * "cannot exceed 255 characters" (docs.databricks.com data-governance/
 * unity-catalog/requirements, "Securable object naming requirements").
 */
const MAX_NAME_CHARACTERS = 255;
export function checkName(kind: string, name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name === '' || /[.\s/\u0000-\u001f\u007f]/.test(name)) {
    throw new SimulatorStateError('INVALID', `Invalid ${kind} name '${name}'.`, 'INVALID_PARAMETER_VALUE');
  }
  const length = [...name].length;
  if (length > MAX_NAME_CHARACTERS) {
    const message = `Invalid ${kind} name: ${length} characters, the maximum is ${MAX_NAME_CHARACTERS}.`;
    throw new SimulatorStateError('INVALID', message, 'INVALID_PARAMETER_VALUE');
  }
  return name.toLowerCase();
}
export function notFound(prefix: string, message: string): SimulatorStateError {
  return new SimulatorStateError('NOT_FOUND', message, `${prefix}_DOES_NOT_EXIST`);
}
export function conflict(prefix: string, message: string): SimulatorStateError {
  return new SimulatorStateError('CONFLICT', message, `${prefix}_ALREADY_EXISTS`);
}

/**
 * The account's one Unity Catalog metastore, shared by every workspace
 * (reference §4): catalogs, schemas, storage credentials, external
 * locations, direct grants and workspace bindings. Like `SimulatorState`,
 * methods enforce the API's rules and throw `SimulatorStateError` (with the
 * UC `error_code` to answer); `setGrants`/`grant` and mutating a returned
 * record bypass every rule and are the way to make drift.
 *
 * Names are case-insensitive and stored lower-case. Every write is made by
 * the seeded controller service principal (the only caller the simulator
 * authenticates), so it owns what it creates, by application id.
 */
import { GrantStore, principalNotFound, type PermissionsChange, type PrivilegeAssignment } from './uc-grants.js';
import type { SecurableType } from './uc-privileges.js';
import type { SimulatorState } from './state.js';
import { SimulatorStateError } from './state-error.js';
import { BindingStore } from './uc-bindings.js';
import type {
  BindableType,
  CatalogPatch,
  ExternalLocationPatch,
  SchemaPatch,
  UcAudit,
  UcBinding,
  UcCatalog,
  UcExternalLocation,
  UcSchema,
  UcStorageCredential,
  UnityCatalogOptions,
} from './uc-types.js';

type Identity = Pick<SimulatorState, 'controller' | 'findUser' | 'findGroup' | 'servicePrincipals' | 'workspace'>;

export const METASTORE_ID = '3e7a5704-0000-4000-8000-00000000c0de';
/** Built-in account-wide group UC accepts as a principal. */
export const ACCOUNT_USERS = 'account users';

const CLOUD_URL = /^(s3|s3a|gs|abfss|r2):\/\/[^/\s]+(\/\S*)?$/i;

export class UnityCatalogState {
  readonly metastoreId = METASTORE_ID;
  private readonly now: () => number;
  private readonly propagationMs: () => number;
  private nextId = 1;
  private readonly catalogMap = new Map<string, UcCatalog>();
  private readonly schemaMap = new Map<string, UcSchema>();
  private readonly credentialMap = new Map<string, UcStorageCredential>();
  private readonly locationMap = new Map<string, UcExternalLocation>();
  private readonly grantStore = new GrantStore();
  private readonly bindingStore = new BindingStore();

  constructor(
    private readonly identity: Identity,
    options: UnityCatalogOptions,
  ) {
    this.now = options.now;
    this.propagationMs = options.principalPropagationMs;
    for (const name of options.storageCredentials) this.addStorageCredential(name);
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

  // ---- catalogs ----------------------------------------------------------------

  get catalogs(): UcCatalog[] {
    return sortByName([...this.catalogMap.values()]);
  }
  catalog(name: string): UcCatalog | undefined {
    return this.catalogMap.get(name.toLowerCase());
  }

  /** Also creates `<name>.default`, as Databricks does for a standard catalog. */
  createCatalog(input: { name: string; comment?: string; properties?: Record<string, string>; storageRoot?: string }): UcCatalog {
    const name = checkName('catalog', input.name);
    if (this.catalogMap.has(name)) throw conflict('CATALOG', `Catalog '${name}' already exists`);
    const catalog: UcCatalog = { id: this.allocateId(), name, owner: this.caller, isolationMode: 'OPEN', ...this.audit() };
    setText(catalog, 'comment', input.comment);
    if (input.properties !== undefined) catalog.properties = { ...input.properties };
    if (input.storageRoot !== undefined) catalog.storageRoot = input.storageRoot;
    this.catalogMap.set(name, catalog);
    this.createSchema({ catalogName: name, name: 'default', comment: 'Default schema (auto-created)' });
    return catalog;
  }

  updateCatalog(name: string, patch: CatalogPatch): UcCatalog {
    const catalog = this.requireCatalog(name);
    const owner = patch.owner === undefined ? undefined : this.requirePrincipal(patch.owner);
    if (patch.newName !== undefined) {
      const newName = checkName('catalog', patch.newName);
      if (newName !== catalog.name) {
        if (this.catalogMap.has(newName)) throw conflict('CATALOG', `Catalog '${newName}' already exists`);
        this.renameCatalog(catalog, newName);
      }
    }
    if (owner !== undefined) catalog.owner = owner;
    setText(catalog, 'comment', patch.comment);
    if (patch.properties !== undefined) catalog.properties = { ...patch.properties };
    if (patch.isolationMode !== undefined) catalog.isolationMode = patch.isolationMode;
    return this.touch(catalog);
  }

  /** Without `force`, a catalog holding any schema but `default` cannot be deleted. */
  deleteCatalog(name: string, options: { force?: boolean } = {}): void {
    const catalog = this.requireCatalog(name);
    const others = this.schemas(catalog.name).filter((schema) => schema.name !== 'default');
    if (others.length > 0 && !options.force) {
      throw new SimulatorStateError(
        'INVALID',
        `Catalog '${catalog.name}' is not empty. The catalog has ${others.length} schema(s) other than 'default'; use force=true to delete it with its content.`,
        'INVALID_STATE',
      );
    }
    for (const schema of this.schemas(catalog.name)) this.schemaMap.delete(`${catalog.name}.${schema.name}`);
    this.catalogMap.delete(catalog.name);
    this.grantStore.drop(key('catalog', catalog.name));
    this.grantStore.drop(key('schema', catalog.name), true);
    this.bindingStore.drop(key('catalog', catalog.name));
  }

  // ---- schemas -----------------------------------------------------------------

  /** Every schema, or those of one catalog. */
  schemas(catalogName?: string): UcSchema[] {
    const all = [...this.schemaMap.values()];
    const wanted = catalogName?.toLowerCase();
    return sortByName(wanted === undefined ? all : all.filter((schema) => schema.catalogName === wanted), fullName);
  }
  schema(fullSchemaName: string): UcSchema | undefined {
    return this.schemaMap.get(fullSchemaName.toLowerCase());
  }

  createSchema(input: { catalogName: string; name: string; comment?: string; properties?: Record<string, string>; storageRoot?: string }): UcSchema {
    const catalog = this.requireCatalog(input.catalogName);
    const name = checkName('schema', input.name);
    const full = `${catalog.name}.${name}`;
    if (this.schemaMap.has(full)) throw conflict('SCHEMA', `Schema '${full}' already exists`);
    const schema: UcSchema = { id: this.allocateId(), catalogName: catalog.name, name, owner: this.caller, ...this.audit() };
    setText(schema, 'comment', input.comment);
    if (input.properties !== undefined) schema.properties = { ...input.properties };
    if (input.storageRoot !== undefined) schema.storageRoot = input.storageRoot;
    this.schemaMap.set(full, schema);
    return schema;
  }

  updateSchema(fullSchemaName: string, patch: SchemaPatch): UcSchema {
    const schema = this.requireSchema(fullSchemaName);
    const owner = patch.owner === undefined ? undefined : this.requirePrincipal(patch.owner);
    if (patch.newName !== undefined) {
      const newName = checkName('schema', patch.newName);
      const from = fullName(schema);
      const to = `${schema.catalogName}.${newName}`;
      if (to !== from) {
        if (this.schemaMap.has(to)) throw conflict('SCHEMA', `Schema '${to}' already exists`);
        this.schemaMap.delete(from);
        schema.name = newName;
        this.schemaMap.set(to, schema);
        this.grantStore.rename(key('schema', from), key('schema', to));
      }
    }
    if (owner !== undefined) schema.owner = owner;
    setText(schema, 'comment', patch.comment);
    if (patch.properties !== undefined) schema.properties = { ...patch.properties };
    return this.touch(schema);
  }

  /** Tables are not modelled, so a schema is always empty and `force` changes nothing. */
  deleteSchema(fullSchemaName: string): void {
    const schema = this.requireSchema(fullSchemaName);
    this.schemaMap.delete(fullName(schema));
    this.grantStore.drop(key('schema', fullName(schema)));
  }

  // ---- storage credentials (read-only over the API) ---------------------------------

  get storageCredentials(): UcStorageCredential[] {
    return sortByName([...this.credentialMap.values()]);
  }
  storageCredential(name: string): UcStorageCredential | undefined {
    return this.credentialMap.get(name.toLowerCase());
  }
  addStorageCredential(name: string, options: { comment?: string; readOnly?: boolean } = {}): UcStorageCredential {
    const lower = checkName('storage credential', name);
    if (this.credentialMap.has(lower)) throw conflict('STORAGE_CREDENTIAL', `Storage credential '${lower}' already exists`);
    const credential: UcStorageCredential = {
      id: this.allocateId(),
      name: lower,
      owner: this.caller,
      readOnly: options.readOnly ?? false,
      isolationMode: 'ISOLATION_MODE_OPEN',
      roleArn: `arn:aws:iam::123456789012:role/${lower}`,
      ...this.audit(),
    };
    setText(credential, 'comment', options.comment);
    this.credentialMap.set(lower, credential);
    return credential;
  }
  /** Refused while an external location uses it, unless forced (then the locations keep a dangling name). */
  deleteStorageCredential(name: string, options: { force?: boolean } = {}): void {
    const credential = this.requireCredential(name);
    const user = this.externalLocations.find((location) => location.credentialName === credential.name);
    if (user && !options.force) {
      throw new SimulatorStateError('INVALID', `Storage credential '${credential.name}' is used by external location '${user.name}'.`, 'INVALID_STATE');
    }
    this.credentialMap.delete(credential.name);
    this.grantStore.drop(key('storage_credential', credential.name));
    this.bindingStore.drop(key('storage_credential', credential.name));
  }

  // ---- external locations --------------------------------------------------------------

  get externalLocations(): UcExternalLocation[] {
    return sortByName([...this.locationMap.values()]);
  }
  externalLocation(name: string): UcExternalLocation | undefined {
    return this.locationMap.get(name.toLowerCase());
  }

  createExternalLocation(input: { name: string; url: string; credentialName: string; comment?: string; readOnly?: boolean }): UcExternalLocation {
    const name = checkName('external location', input.name);
    if (this.locationMap.has(name)) throw conflict('EXTERNAL_LOCATION', `External location '${name}' already exists`);
    const url = this.checkUrl(input.url, undefined);
    const credential = this.requireCredential(input.credentialName);
    const location: UcExternalLocation = {
      id: this.allocateId(),
      name,
      url,
      credentialName: credential.name,
      owner: this.caller,
      readOnly: input.readOnly ?? false,
      isolationMode: 'ISOLATION_MODE_OPEN',
      ...this.audit(),
    };
    setText(location, 'comment', input.comment);
    this.locationMap.set(name, location);
    return location;
  }

  updateExternalLocation(name: string, patch: ExternalLocationPatch): UcExternalLocation {
    const location = this.requireLocation(name);
    const owner = patch.owner === undefined ? undefined : this.requirePrincipal(patch.owner);
    const url = patch.url === undefined ? undefined : this.checkUrl(patch.url, location.name);
    const credential = patch.credentialName === undefined ? undefined : this.requireCredential(patch.credentialName);
    if (patch.newName !== undefined) {
      const newName = checkName('external location', patch.newName);
      if (newName !== location.name) {
        if (this.locationMap.has(newName)) throw conflict('EXTERNAL_LOCATION', `External location '${newName}' already exists`);
        this.locationMap.delete(location.name);
        this.grantStore.rename(key('external_location', location.name), key('external_location', newName));
        this.bindingStore.rename(key('external_location', location.name), key('external_location', newName));
        location.name = newName;
        this.locationMap.set(newName, location);
      }
    }
    if (url !== undefined) location.url = url;
    if (credential !== undefined) location.credentialName = credential.name;
    if (owner !== undefined) location.owner = owner;
    setText(location, 'comment', patch.comment);
    if (patch.readOnly !== undefined) location.readOnly = patch.readOnly;
    if (patch.isolationMode !== undefined) location.isolationMode = patch.isolationMode;
    return this.touch(location);
  }

  /** Dependent tables are not modelled, so `force` changes nothing. */
  deleteExternalLocation(name: string): void {
    const location = this.requireLocation(name);
    this.locationMap.delete(location.name);
    this.grantStore.drop(key('external_location', location.name));
    this.bindingStore.drop(key('external_location', location.name));
  }

  // ---- grants --------------------------------------------------------------------------

  grants(type: SecurableType, securableFullName: string): PrivilegeAssignment[] {
    return this.grantStore.list(key(type, securableFullName));
  }
  /** Replaces the direct grants without any rule. */
  setGrants(type: SecurableType, securableFullName: string, assignments: readonly PrivilegeAssignment[]): void {
    this.grantStore.set(key(type, securableFullName), assignments);
  }
  /** Adds privileges without any rule. */
  grant(type: SecurableType, securableFullName: string, principal: string, privileges: readonly string[]): void {
    this.grantStore.grant(key(type, securableFullName), principal, privileges);
  }
  /** The `PATCH /permissions` delta with every rule; answers the full list. */
  updatePermissions(type: SecurableType, securableFullName: string, changes: readonly PermissionsChange[]): PrivilegeAssignment[] {
    const canonical = this.requireSecurable(type, securableFullName);
    this.grantStore.update(type, key(type, canonical), changes, (name) => this.resolvePrincipal(name));
    return this.grants(type, canonical);
  }

  /** The canonical full name of an existing securable, or the matching `*_DOES_NOT_EXIST`. */
  requireSecurable(type: SecurableType, securableFullName: string): string {
    switch (type) {
      case 'metastore':
        if (securableFullName.toLowerCase() !== this.metastoreId) {
          throw notFound('METASTORE', `Metastore '${securableFullName}' does not exist.`);
        }
        return this.metastoreId;
      case 'catalog':
        return this.requireCatalog(securableFullName).name;
      case 'schema':
        return fullName(this.requireSchema(securableFullName));
      case 'external_location':
        return this.requireLocation(securableFullName).name;
      case 'storage_credential':
        return this.requireCredential(securableFullName).name;
    }
  }

  // ---- workspace bindings --------------------------------------------------------------

  /** Sorted by workspace id. */
  bindings(name: string, type: BindableType = 'catalog'): UcBinding[] {
    return this.bindingStore.list(key(type, name));
  }

  /** Re-adding a bound workspace with another type changes its type; removing an unbound one is a no-op. */
  updateBindings(type: BindableType, name: string, change: { add?: readonly UcBinding[]; remove?: readonly string[] }): UcBinding[] {
    const canonical = this.requireSecurable(type, name);
    for (const binding of change.add ?? []) {
      if (!this.identity.workspace(binding.workspaceId)) {
        throw new SimulatorStateError('INVALID', `Workspace ${binding.workspaceId} is not attached to this metastore.`, 'INVALID_PARAMETER_VALUE');
      }
      if (binding.bindingType === 'BINDING_TYPE_READ_ONLY' && type !== 'catalog') {
        throw new SimulatorStateError('INVALID', `Binding type BINDING_TYPE_READ_ONLY is only supported for catalogs, not ${type}.`, 'INVALID_PARAMETER_VALUE');
      }
    }
    this.bindingStore.update(key(type, canonical), change.add ?? [], change.remove ?? []);
    return this.bindings(canonical, type);
  }

  /** Bindings restrict only isolated securables; an OPEN one is usable from every workspace. */
  isAccessible(type: BindableType, name: string, workspaceId: string): boolean {
    const isolated =
      type === 'catalog'
        ? this.catalog(name)?.isolationMode === 'ISOLATED'
        : (type === 'external_location' ? this.externalLocation(name) : this.storageCredential(name))?.isolationMode ===
          'ISOLATION_MODE_ISOLATED';
    return !isolated || this.bindingStore.type(key(type, name), workspaceId) !== undefined;
  }
  /** A READ_ONLY binding of an isolated catalog makes its content read-only from that workspace. */
  isReadOnlyFrom(catalogName: string, workspaceId: string): boolean {
    const catalog = this.catalog(catalogName);
    if (catalog?.isolationMode !== 'ISOLATED') return false;
    return this.bindingStore.type(key('catalog', catalog.name), workspaceId) === 'BINDING_TYPE_READ_ONLY';
  }

  // ---- internals -----------------------------------------------------------------------

  private get caller(): string {
    return this.identity.controller.applicationId;
  }
  private audit(): UcAudit {
    const at = this.now();
    return { createdAt: at, createdBy: this.caller, updatedAt: at, updatedBy: this.caller };
  }
  private touch<T extends UcAudit>(record: T): T {
    record.updatedAt = this.now();
    record.updatedBy = this.caller;
    return record;
  }
  /** Deterministic UUIDs keep runs reproducible. */
  private allocateId(): string {
    return `0c000000-0000-4000-8000-${(this.nextId++).toString(16).padStart(12, '0')}`;
  }
  private requirePrincipal(name: string): string {
    const resolved = this.resolvePrincipal(name);
    if (resolved === undefined) throw principalNotFound(name);
    return resolved;
  }
  private requireCatalog(name: string): UcCatalog {
    const catalog = this.catalog(name);
    if (!catalog) throw notFound('CATALOG', `Catalog '${name.toLowerCase()}' does not exist.`);
    return catalog;
  }
  private requireSchema(fullSchemaName: string): UcSchema {
    const parts = fullSchemaName.split('.');
    if (parts.length !== 2 || parts.some((part) => part === '')) {
      throw new SimulatorStateError('INVALID', `Invalid schema full name '${fullSchemaName}'; expected <catalog>.<schema>.`, 'INVALID_PARAMETER_VALUE');
    }
    this.requireCatalog(parts[0]!);
    const schema = this.schema(fullSchemaName);
    if (!schema) throw notFound('SCHEMA', `Schema '${fullSchemaName.toLowerCase()}' does not exist.`);
    return schema;
  }
  private requireCredential(name: string): UcStorageCredential {
    const credential = this.storageCredential(name);
    if (!credential) throw notFound('STORAGE_CREDENTIAL', `Storage Credential '${name.toLowerCase()}' does not exist.`);
    return credential;
  }
  private requireLocation(name: string): UcExternalLocation {
    const location = this.externalLocation(name);
    if (!location) throw notFound('EXTERNAL_LOCATION', `External Location '${name.toLowerCase()}' does not exist.`);
    return location;
  }
  private renameCatalog(catalog: UcCatalog, newName: string): void {
    const oldName = catalog.name;
    for (const schema of this.schemas(oldName)) {
      this.schemaMap.delete(fullName(schema));
      schema.catalogName = newName;
      this.schemaMap.set(fullName(schema), schema);
    }
    this.catalogMap.delete(oldName);
    catalog.name = newName;
    this.catalogMap.set(newName, catalog);
    this.grantStore.rename(key('catalog', oldName), key('catalog', newName));
    this.grantStore.rename(key('schema', oldName), key('schema', newName), true);
    this.bindingStore.rename(key('catalog', oldName), key('catalog', newName));
  }
  /**
   * Cloud URLs only, stored without trailing slashes. Two locations may not
   * overlap: equal URLs, or one a path prefix of the other, are refused.
   */
  private checkUrl(raw: string, self: string | undefined): string {
    if (!CLOUD_URL.test(raw)) {
      throw new SimulatorStateError('INVALID', `Invalid url '${raw}': expected a cloud storage URL such as s3://bucket/path.`, 'INVALID_PARAMETER_VALUE');
    }
    const url = raw.replace(/\/+$/, '');
    const clash = this.externalLocations.find(
      (other) => other.name !== self && (other.url === url || other.url.startsWith(`${url}/`) || url.startsWith(`${other.url}/`)),
    );
    if (clash) {
      throw new SimulatorStateError(
        'INVALID',
        `Input path url '${url}' overlaps with an existing external location '${clash.name}' (url '${clash.url}').`,
        'INVALID_PARAMETER_VALUE',
      );
    }
    return url;
  }
}

function key(type: SecurableType, name: string): string {
  return `${type}/${name.toLowerCase()}`;
}
function fullName(schema: UcSchema): string {
  return `${schema.catalogName}.${schema.name}`;
}
function sortByName<T extends { name: string }>(records: T[], by: (record: T) => string = (record) => record.name): T[] {
  return records.sort((a, b) => (by(a) < by(b) ? -1 : by(a) > by(b) ? 1 : 0));
}
function setText(record: { comment?: string }, field: 'comment', value: string | undefined): void {
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
function checkName(kind: string, name: string): string {
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
function notFound(prefix: string, message: string): SimulatorStateError {
  return new SimulatorStateError('NOT_FOUND', message, `${prefix}_DOES_NOT_EXIST`);
}
function conflict(prefix: string, message: string): SimulatorStateError {
  return new SimulatorStateError('CONFLICT', message, `${prefix}_ALREADY_EXISTS`);
}

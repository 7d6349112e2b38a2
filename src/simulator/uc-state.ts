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
import { type PermissionsChange, type PrivilegeAssignment } from './uc-grants.js';
import type { SecurableType } from './uc-privileges.js';
import { SimulatorStateError } from './state-error.js';
import { UcLocationState } from './uc-locations.js';
import { checkName, conflict, fullName, key, notFound, setText, sortByName } from './uc-state-core.js';
import type { BindableType, CatalogPatch, SchemaPatch, UcBinding, UcCatalog, UcSchema } from './uc-types.js';

export { ACCOUNT_USERS, METASTORE_ID } from './uc-state-core.js';

/** Catalogs, schemas, grants and bindings; credentials and locations in UcLocationState, what all share in UcStateCore. */
export class UnityCatalogState extends UcLocationState {
  private readonly catalogMap = new Map<string, UcCatalog>();
  private readonly schemaMap = new Map<string, UcSchema>();

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
}

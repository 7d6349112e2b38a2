/**
 * Storage credentials (read-only over the API: seeded by the account) and
 * external locations of the simulated metastore (reference §4.3), with
 * their rules: a credential in use is not deleted, locations do not overlap.
 */
import { SimulatorStateError } from './state-error.js';
import { checkName, conflict, key, notFound, setText, sortByName, UcStateCore } from './uc-state-core.js';
import type { ExternalLocationPatch, UcExternalLocation, UcStorageCredential, UnityCatalogOptions } from './uc-types.js';

const CLOUD_URL = /^(s3|s3a|gs|abfss|r2):\/\/[^/\s]+(\/\S*)?$/i;

export abstract class UcLocationState extends UcStateCore {
  private readonly credentialMap = new Map<string, UcStorageCredential>();
  private readonly locationMap = new Map<string, UcExternalLocation>();

  constructor(identity: ConstructorParameters<typeof UcStateCore>[0], options: UnityCatalogOptions) {
    super(identity, options);
    for (const name of options.storageCredentials) this.addStorageCredential(name);
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

  protected requireCredential(name: string): UcStorageCredential {
    const credential = this.storageCredential(name);
    if (!credential) throw notFound('STORAGE_CREDENTIAL', `Storage Credential '${name.toLowerCase()}' does not exist.`);
    return credential;
  }
  protected requireLocation(name: string): UcExternalLocation {
    const location = this.externalLocation(name);
    if (!location) throw notFound('EXTERNAL_LOCATION', `External Location '${name.toLowerCase()}' does not exist.`);
    return location;
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

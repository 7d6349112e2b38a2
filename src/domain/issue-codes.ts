/**
 * The stable codes of desired-state issues: each names the rule an issue
 * breaks, never the instance, so tests and tools match a code while the
 * message stays free to say more. A code, once published, keeps its meaning;
 * a new rule gets a new code rather than stretching an old one.
 */
export const ISSUE_CODES = [
  // The folder and its files
  /** The desired-state folder is missing or is not a directory. */
  'FOLDER_MISSING',
  /** The folder could not be listed, or a file in it could not be read (an I/O error, a file gone while read). */
  'FILE_UNREADABLE',
  /** A YAML file that is a FIFO, socket or device: never read, it could hang the read. */
  'NOT_A_REGULAR_FILE',
  /** A symbolic link inside the folder (a YAML file or a folder): never followed. */
  'SYMLINK',
  /** One file is over its size limit. */
  'FILE_TOO_LARGE',
  /** The revision's files together are over the limit per revision; nothing more is read. */
  'REVISION_TOO_LARGE',
  /** The folder holds no YAML document: an empty desired state is never applied. */
  'NO_DOCUMENTS',
  /** A git metadata file of the checkout is not a small regular file, so the revision's commit cannot be read. */
  'GIT_METADATA',

  // YAML
  /** The YAML text does not parse. */
  'YAML_SYNTAX',
  /** The YAML parses with a warning (an unknown tag such as `!!js/function`): the data is not what the text says. */
  'YAML_WARNING',
  /** An alias that cannot be resolved: its anchor is not set before it, or it expands past the parser's limit (an alias bomb). */
  'YAML_ALIAS',
  /** A key names a JavaScript object's internals (`__proto__`, `constructor`, `prototype`). */
  'PROTOTYPE_KEY',

  // One document's schema
  /** `apiVersion` is not the one onboarder reads. */
  'UNSUPPORTED_API_VERSION',
  /** `kind` is not one of the document kinds. */
  'UNKNOWN_KIND',
  /** A key the schema does not define (often a typo). */
  'UNKNOWN_FIELD',
  /** A required key is absent. */
  'MISSING_FIELD',
  /** A value (or a whole document) has the wrong YAML type: a list for a mapping, a number for a string. */
  'WRONG_TYPE',
  /** A value of the right type that its field does not accept: not an allowed word, pattern, size or combination. */
  'INVALID_VALUE',
  /** A value over a documented limit of the Databricks service (a name's length, a tag count, an import size). */
  'SERVICE_LIMIT',

  // Rules across fields and documents
  /** The same name twice where it must be unique: two documents, two list entries, two objects of one customer. */
  'DUPLICATE_NAME',
  /** Two customers claim one account-wide name (a group, catalog, location, warehouse, policy or notebook path). */
  'NAME_COLLISION',
  /** One principal described differently by two roster entries (another display name or application id). */
  'PRINCIPAL_CONFLICT',
  /** A reference to something not declared where it must be: a Workspace, PersonaTemplate, Customer or persona. */
  'DANGLING_REFERENCE',
  /** A grant on a catalog, schema or external location the customer does not declare. */
  'UNDECLARED_SECURABLE',
  /** A privilege that does not exist on its securable type. */
  'INVALID_PRIVILEGE',
  /** Entitlements that cannot be combined (consumer access with the full UIs). */
  'ENTITLEMENT_CONFLICT',
  /** An unknown `${...}` placeholder. */
  'PLACEHOLDER',
  /** Something needs the customer's catalog (`${catalog}`, a template's catalog grant) but the customer declares none. */
  'CATALOG_REQUIRED',
  /** A Workspace host the operator did not trust: no connection is ever made to it. */
  'UNTRUSTED_HOST',
  /** A persona group that is a protected group (`users`, `admins`, ...), which onboarder never changes. */
  'PROTECTED_GROUP',
  /** An ISOLATED catalog with no READ_WRITE binding to the customer's workspaces: nobody could change it. */
  'ISOLATION',
  /** A notebook's source cannot be used: a bad path, not found, not a readable UTF-8 regular file. */
  'NOTEBOOK_SOURCE',

  // Found while planning, against live state
  /** An external location names a storage credential that does not exist or is not visible from its workspace. */
  'MISSING_STORAGE_CREDENTIAL',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

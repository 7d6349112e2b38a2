/**
 * Cluster policies of every workspace (reference §6). The definition is a
 * JSON string; the server validates each rule and stores it REFORMATTED
 * (keys sorted at every level, `": "` and `", "` separators, as Python's
 * `json.dumps(sort_keys=True)` writes it), so what a client reads back is
 * semantically equal but not byte-equal to what it sent: clients must
 * compare parsed JSON. Overwriting `definition` on a returned record is
 * drift and is answered verbatim.
 *
 * `edit` is a full replacement like warehouses: an omitted definition goes
 * back to `{}`, an omitted description or max_clusters_per_user is removed.
 * Names are unique per workspace, compared exactly. Policy families are not
 * modelled.
 */
import { SimulatorStateError } from './state-error.js';

export const RULE_TYPES = ['fixed', 'forbidden', 'allowlist', 'blocklist', 'regex', 'range', 'unlimited'] as const;

export interface ClusterPolicy {
  readonly id: string;
  name: string;
  /** The stored JSON string. */
  definition: string;
  description?: string;
  maxClustersPerUser?: number;
  creatorUserName: string;
  createdAt: number;
}

export interface ClusterPolicySpec {
  name?: string;
  definition?: string;
  description?: string;
  maxClustersPerUser?: number;
}

type Settings = Omit<ClusterPolicy, 'id' | 'creatorUserName' | 'createdAt'>;

function invalid(message: string): SimulatorStateError {
  return new SimulatorStateError('INVALID', message, 'INVALID_PARAMETER_VALUE');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python-style canonical JSON: sorted keys, `": "` and `", "`. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(', ')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${canonicalJson(value[key])}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** Validates a definition string and answers its reformatted form. */
export function normaliseDefinition(definition: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition) as unknown;
  } catch (error) {
    throw invalid(`definition is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(parsed)) throw invalid('definition must be a JSON object mapping attribute paths to rules.');
  for (const [attribute, rule] of Object.entries(parsed)) checkRule(attribute, rule);
  return canonicalJson(parsed);
}

function checkRule(attribute: string, rule: unknown): void {
  const fail = (why: string) => invalid(`Invalid policy definition for attribute '${attribute}': ${why}`);
  if (!isObject(rule)) throw fail('the rule must be an object with a "type".');
  const type = rule.type;
  if (typeof type !== 'string' || !(RULE_TYPES as readonly string[]).includes(type)) {
    throw fail(`unknown type ${JSON.stringify(type)}; use one of ${RULE_TYPES.join(', ')}.`);
  }
  switch (type) {
    case 'fixed':
      if (!('value' in rule)) throw fail('type fixed requires "value".');
      break;
    case 'allowlist':
    case 'blocklist':
      if (!Array.isArray(rule.values)) throw fail(`type ${type} requires a "values" array.`);
      break;
    case 'regex':
      if (typeof rule.pattern !== 'string') throw fail('type regex requires a "pattern" string.');
      break;
    case 'range': {
      const { minValue, maxValue } = rule;
      if (minValue === undefined && maxValue === undefined) throw fail('type range requires "minValue" or "maxValue".');
      for (const [field, bound] of [['minValue', minValue], ['maxValue', maxValue]] as const) {
        if (bound !== undefined && typeof bound !== 'number') throw fail(`"${field}" must be a number.`);
      }
      if (typeof minValue === 'number' && typeof maxValue === 'number' && minValue > maxValue) throw fail('"minValue" exceeds "maxValue".');
      break;
    }
  }
}

export function resolvePolicySpec(spec: ClusterPolicySpec): Settings {
  const name = spec.name ?? '';
  if (name.trim() === '') throw invalid('name is required.');
  if (name.length > 100) throw invalid(`name must be at most 100 characters, got ${name.length}.`);
  const settings: Settings = { name, definition: normaliseDefinition(spec.definition ?? '{}') };
  if (spec.description !== undefined) settings.description = spec.description;
  if (spec.maxClustersPerUser !== undefined) {
    if (spec.maxClustersPerUser < 1) throw invalid(`max_clusters_per_user must be at least 1, got ${spec.maxClustersPerUser}.`);
    settings.maxClustersPerUser = spec.maxClustersPerUser;
  }
  return settings;
}

export class ClusterPolicyStore {
  private readonly byWorkspace = new Map<string, Map<string, ClusterPolicy>>();

  constructor(
    private readonly now: () => number,
    private readonly allocateId: () => string,
  ) {}

  /** In creation order. */
  list(workspaceId: string): ClusterPolicy[] {
    return [...this.of(workspaceId).values()];
  }
  get(workspaceId: string, id: string): ClusterPolicy | undefined {
    return this.of(workspaceId).get(id);
  }
  find(workspaceId: string, name: string): ClusterPolicy | undefined {
    return this.list(workspaceId).find((policy) => policy.name === name);
  }
  require(workspaceId: string, id: string): ClusterPolicy {
    const policy = this.get(workspaceId, id);
    if (!policy) throw new SimulatorStateError('NOT_FOUND', `Can't find a cluster policy with id: ${id}.`);
    return policy;
  }

  create(workspaceId: string, spec: ClusterPolicySpec, creatorUserName: string): ClusterPolicy {
    const settings = resolvePolicySpec(spec);
    this.checkUnique(workspaceId, settings.name, undefined);
    const policy: ClusterPolicy = { id: this.allocateId(), ...settings, creatorUserName, createdAt: this.now() };
    this.of(workspaceId).set(policy.id, policy);
    return policy;
  }

  edit(workspaceId: string, id: string, spec: ClusterPolicySpec): ClusterPolicy {
    const policy = this.require(workspaceId, id);
    const settings = resolvePolicySpec(spec);
    this.checkUnique(workspaceId, settings.name, id);
    delete policy.description;
    delete policy.maxClustersPerUser;
    return Object.assign(policy, settings);
  }

  delete(workspaceId: string, id: string): void {
    this.require(workspaceId, id);
    this.of(workspaceId).delete(id);
  }

  private checkUnique(workspaceId: string, name: string, exceptId: string | undefined): void {
    const clash = this.find(workspaceId, name);
    if (clash && clash.id !== exceptId) throw invalid(`Policy name '${name}' already exists`);
  }
  private of(workspaceId: string): Map<string, ClusterPolicy> {
    let policies = this.byWorkspace.get(workspaceId);
    if (!policies) this.byWorkspace.set(workspaceId, (policies = new Map()));
    return policies;
  }
}
